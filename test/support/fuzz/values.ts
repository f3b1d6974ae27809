/** Hostile values and schema-guided JSON: instances of a schema, each node possibly swapped for a wrong type, a
 * null, a huge number, odd unicode or a deep object; required fields sometimes missing, unknown ones added. */
import type { Prng } from './prng';

type Json = unknown;
type Schema = Record<string, unknown>;

const STRINGS = [
  '', ' ', 'a', 'A', 'x'.repeat(600), '\u0000', '\uFEFF', 'é', 'ı', 'ſ', '\u212A', '😀', '\uD800', 'null', 'true', '-1',
  '1e309', 'NaN', '{}', '[]', '<script>', "'; DROP TABLE endpoints;--", '../../etc/passwd', '%00', '%', '${x}', '*', '**',
  'text_embedding', 'COMPLETION', ' rerank ', 'any', 'openai', 'elasticsearch', 'cosine', 'http://127.0.0.1:9/v1', 'http://169.254.169.254/',
];
const NUMBERS = [0, -1, 1, 0.5, -0, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, 5e-324, 123456789012345, 3];

export function hostileString(prng: Prng): string {
  if (prng.chance(0.15)) {
    return Array.from({ length: prng.int(1, 40) }, () => String.fromCodePoint(prng.pick([prng.int(0, 0x7f), prng.int(0x80, 0x2fff), prng.int(0x1f600, 0x1f64f)]))).join('');
  }
  return prng.pick(STRINGS);
}

function deepValue(prng: Prng): Json {
  let value: Json = prng.pick([1, 'x', null, []]);
  for (let depth = prng.int(10, 60); depth > 0; depth--) value = prng.chance(0.5) ? { a: value } : [value];
  return value;
}

export function hostileValue(prng: Prng): Json {
  switch (prng.int(0, 7)) {
    case 0:
      return null;
    case 1:
      return prng.pick(NUMBERS);
    case 2:
      return prng.chance(0.5);
    case 3:
      return hostileString(prng);
    case 4:
      return Array.from({ length: prng.int(0, 4) }, () => (prng.chance(0.5) ? hostileString(prng) : prng.pick(NUMBERS)));
    case 5:
      return { [hostileString(prng)]: hostileString(prng) };
    case 6:
      return deepValue(prng);
    default:
      return {};
  }
}

function typesOf(schema: Schema): string[] {
  if (Array.isArray(schema.type)) return schema.type as string[];
  if (typeof schema.type === 'string') return [schema.type];
  if (schema.properties) return ['object'];
  if (schema.items) return ['array'];
  return [];
}

function merged(schemas: Schema[]): Schema {
  const result: Schema = {};
  for (const schema of schemas) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties') result.properties = { ...(result.properties as Schema), ...(value as Schema) };
      else if (key === 'required') result.required = [...((result.required as string[]) ?? []), ...(value as string[])];
      else result[key] = value;
    }
  }
  return result;
}

export interface GenerateOptions {
  /** Probability that a node is replaced by a hostile value. */
  mutation: number;
  /** Strings to prefer for some property names (e.g. a url the test controls). */
  overrides?: Record<string, (prng: Prng) => Json>;
}

export function generate(schema: Schema, prng: Prng, options: GenerateOptions, depth = 0, name?: string): Json {
  if (prng.chance(options.mutation)) return hostileValue(prng);
  if (name && options.overrides?.[name] && prng.chance(0.8)) return options.overrides[name](prng);
  if (schema.allOf) return generate(merged([...(schema.allOf as Schema[]), { ...schema, allOf: undefined }]), prng, options, depth, name);
  const alternatives = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (alternatives?.length) {
    const { oneOf: _o, anyOf: _a, ...rest } = schema;
    return generate(merged([rest, prng.pick(alternatives)]), prng, options, depth, name);
  }
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return prng.pick(schema.enum);
  if (Array.isArray(schema.examples) && schema.examples.length > 0 && prng.chance(0.5)) return prng.pick(schema.examples);
  const type = prng.pick(typesOf(schema).length > 0 ? typesOf(schema) : ['string', 'object', 'number']);
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return prng.chance(0.5);
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : 0;
      const max = typeof schema.maximum === 'number' ? Math.min(schema.maximum, min + 1000) : min + 1000;
      const value = prng.int(Math.ceil(min), Math.floor(max));
      return type === 'number' && prng.chance(0.3) ? value + 0.25 : value;
    }
    case 'string':
      return prng.chance(0.7) ? prng.pick(['hello', 'one two three', 'x', 'query']) : hostileString(prng);
    case 'array': {
      if (depth > 6) return [];
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const items = (schema.items as Schema | undefined) ?? {};
      return Array.from({ length: prng.int(min, min + 3) }, () => generate(items, prng, options, depth + 1));
    }
    case 'object':
    default: {
      if (depth > 6) return {};
      const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const result: Record<string, Json> = {};
      for (const [key, property] of Object.entries(properties)) {
        const keep = required.has(key) ? !prng.chance(0.05) : prng.chance(0.4);
        if (keep) result[key] = generate(property, prng, options, depth + 1, key);
      }
      if (prng.chance(0.05)) result[hostileString(prng) || 'extra'] = hostileValue(prng);
      return result;
    }
  }
}
