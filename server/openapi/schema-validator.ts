/** Compiles schemas from the spec with Ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses) and validates JSON data. */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { JsonSchema } from './document';

export type SchemaError = ErrorObject;

export interface ValidationOutcome<T> {
  value: T;
  errors: SchemaError[];
}

export class SchemaValidator {
  private readonly ajv: Ajv2020;
  private readonly compiled = new WeakMap<JsonSchema, ValidateFunction>();

  constructor() {
    this.ajv = new Ajv2020({
      allErrors: true,
      strict: false,
      useDefaults: true,
      discriminator: true,
      verbose: true,
    });
    addFormats(this.ajv);
    for (const keyword of ['example', 'xml', 'externalDocs']) this.ajv.addKeyword(keyword);
  }

  /** Validates a copy of `data` (defaults from the schema are filled into the copy, which is returned); `inPlace`:
   * `data` itself, for a request body only its handler reads (a copy of a large body would double its memory). */
  validate<T>(schema: JsonSchema, data: unknown, { inPlace = false }: { inPlace?: boolean } = {}): ValidationOutcome<T> {
    let validateFn = this.compiled.get(schema);
    if (!validateFn) {
      validateFn = this.ajv.compile(stripDiscriminatorMappings(schema));
      this.compiled.set(schema, validateFn);
    }
    const value = inPlace ? data : structuredClone(data);
    normaliseEnumCase(schema, value);
    validateFn(value);
    return { value: value as T, errors: validateFn.errors ? [...validateFn.errors] : [] };
  }
}

/** Ajv's discriminator keyword refuses `mapping`; the `const` of each branch already says the same. */
function stripDiscriminatorMappings(schema: JsonSchema): JsonSchema {
  return JSON.parse(
    JSON.stringify(schema, (key, value: unknown) => {
      if (key === 'discriminator' && value && typeof value === 'object') {
        return { propertyName: (value as { propertyName: string }).propertyName };
      }
      return value;
    }),
  ) as JsonSchema;
}

/**
 * Elasticsearch parses enum settings case-insensitively (`COSINE` is `cosine`): rewrite such values to the spelling
 * the schema lists before validating. Walks object properties and array items.
 */
export function normaliseEnumCase(schema: JsonSchema | undefined, data: unknown): void {
  if (!schema || data === null || typeof data !== 'object') return;
  const parts = [schema, ...(schema.allOf ?? [])];
  if (Array.isArray(data)) {
    for (const part of parts) if (part.items) data.forEach((item) => normaliseEnumCase(part.items, item));
    return;
  }
  const record = data as Record<string, unknown>;
  for (const part of parts) {
    for (const [key, propertySchema] of Object.entries(part.properties ?? {})) {
      const value = record[key];
      const enumValues = [...(propertySchema.enum ?? []), ...(propertySchema.allOf ?? []).flatMap((p) => p.enum ?? [])];
      if (typeof value === 'string' && enumValues.length > 0 && !enumValues.includes(value)) {
        const match = enumValues.find((candidate) => typeof candidate === 'string' && candidate.toLowerCase() === value.toLowerCase());
        if (match !== undefined) record[key] = match;
      } else {
        normaliseEnumCase(propertySchema, value);
      }
    }
  }
}
