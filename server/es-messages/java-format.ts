/**
 * Renders JSON values as Java's toString would, because Elasticsearch error messages quote user input that way:
 * maps as `{k=v, k2=v2}`, lists as `[a, b]`, strings bare.
 */
export function javaString(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(javaString).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => `${key}=${javaString(inner)}`)
      .join(', ')}}`;
  }
  return String(value);
}

const JAVA_TYPES: Record<string, string> = {
  string: 'String',
  integer: 'Integer',
  number: 'Double',
  boolean: 'Boolean',
  object: 'Map',
  array: 'List',
};

/** The Java type Elasticsearch names in `cannot be converted to a [<Type>]` for a JSON schema type. */
export function javaTypeName(schemaType: string, format?: string): string {
  if (schemaType === 'integer' && format === 'int64') return 'Long';
  return JAVA_TYPES[schemaType] ?? schemaType;
}
