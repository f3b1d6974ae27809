/**
 * Turns schema violations of endpoint settings (PUT, _update, per-request task_settings) into the errors
 * Elasticsearch gives for the same mistakes (reference §8, §10). A schema may override a message with
 * `x-infergate-messages: {<keyword>: template}` (placeholders `{key}`, `{keys}`, `{value}`, `{missing}`).
 */
import { EsError, badRequest, validationException } from '../http/errors';
import { flattenSchema, type JsonSchema } from '../openapi/document';
import { javaString, javaTypeName } from './java-format';
import type { SchemaError } from '../openapi/schema-validator';

const segments = (pointer: string): string[] =>
  pointer === '' ? [] : pointer.slice(1).split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));

const lastSegment = (pointer: string): string => segments(pointer).at(-1) ?? '';
const parentSegment = (pointer: string): string => segments(pointer).at(-2) ?? '';

function template(error: SchemaError, keyword: string): string | undefined {
  const messages = (error.parentSchema as JsonSchema | undefined)?.['x-infergate-messages'] as
    | Record<string, string>
    | undefined;
  return messages?.[keyword];
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

const isRequiredOnly = (schema: JsonSchema): boolean =>
  Array.isArray(schema.required) && Object.keys(schema).every((key) => key === 'required' || key === 'description');

function isSecret(objectSchema: JsonSchema | undefined, key: string): boolean {
  const property = objectSchema?.properties?.[key];
  return property !== undefined && flattenSchema(property).writeOnly === true;
}

/** The owning object's schema of a `required`-like error: the error's parent schema or, in a branch, the data's. */
function secretScope(objectSchema: JsonSchema | undefined, key: string, scope: string): string {
  return isSecret(objectSchema, key) ? 'secret_settings' : scope;
}

/** What a message shows of a value: never a secret's, whatever its type (the user may have put a key where a
 * string was expected, or nested it in an object). Elasticsearch echoes it; infergate does not. */
export const REDACTED = '<redacted>';

const parentPointer = (pointer: string): string => pointer.slice(0, Math.max(0, pointer.lastIndexOf('/')));

function isSecretValue(error: SchemaError, objectSchemaAt: (pointer: string) => JsonSchema | undefined): boolean {
  const path = error.instancePath;
  if (path === '') return false;
  if ((error.parentSchema as JsonSchema | undefined)?.writeOnly === true) return true;
  // A value nested inside a secret (an object given for `api_key`) is as secret as the setting itself.
  for (let pointer = path; pointer !== ''; pointer = parentPointer(pointer)) {
    if (isSecret(objectSchemaAt(parentPointer(pointer)), lastSegment(pointer))) return true;
  }
  return false;
}

const SECRET_WORDS = ['key', 'secret', 'token', 'password', 'credential'];

/** Levenshtein distance, for short key names only. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Whether an unknown key may be a secret put under the wrong name (`api_kye`, `secret`, `access_token`): its value
 * is then not shown. Other unknown keys are echoed with their values, as Elasticsearch does. */
function mayBeSecret(objectSchema: JsonSchema | undefined, key: string): boolean {
  const name = key.toLowerCase();
  if (name.length > 64) return true;
  if (SECRET_WORDS.some((word) => name.includes(word))) return true;
  const secrets = Object.keys(objectSchema?.properties ?? {}).filter((property) => isSecret(objectSchema, property));
  return secrets.some((secret) => editDistance(name, secret) <= 2);
}

function missingSetting(scope: string, key: string): string {
  return `[${scope}] does not contain the required setting [${key}]`;
}

function formatLimit(limit: number, scope: string): string {
  return scope === 'chunking_settings' ? limit.toFixed(1) : String(limit);
}

/** Stands for an unknown key's value in an object that holds secrets; rendered as REDACTED. */
const REDACTED_VALUE = Symbol('redacted');

interface Collected {
  messages: Set<string>;
  unknown: Array<[string, unknown]>;
  /** Unknown keys of objects whose schema has its own message for them, per object and template. */
  refused: Map<string, string[]>;
  /** Settings missed by rules (dependentRequired) that have their own message, per template. */
  missing: Map<string, string[]>;
  illegal?: EsError;
}

function describe(error: SchemaError, objectSchemaAt: (pointer: string) => JsonSchema | undefined, out: Collected): void {
  const path = error.instancePath;
  const key = lastSegment(path);
  const scope = parentSegment(path) || key;
  const custom = template(error, error.keyword);
  const value = isSecretValue(error, objectSchemaAt) ? REDACTED : javaString(error.data);
  const parent = error.parentSchema as JsonSchema;

  switch (error.keyword) {
    case 'if':
      return;
    case 'required': {
      if (isRequiredOnly(parent)) return; // reported by the enclosing oneOf/anyOf
      const missing = (error.params as { missingProperty: string }).missingProperty;
      const objectScope = key;
      if (path === '' && missing === 'service_settings') {
        out.illegal ??= badRequest('Missing required field [service_settings]');
        return;
      }
      out.messages.add(custom ? fill(custom, { key: missing }) : missingSetting(secretScope(objectSchemaAt(path), missing, objectScope), missing));
      return;
    }
    case 'dependentRequired': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      if (custom) {
        // One message per rule, naming every setting it misses (`missing: [client_id, scopes]`).
        const missed = out.missing.get(custom) ?? [];
        if (!missed.includes(missing)) out.missing.set(custom, [...missed, missing]);
        return;
      }
      out.messages.add(missingSetting(secretScope(objectSchemaAt(path), missing, key), missing));
      return;
    }
    case 'oneOf':
    case 'anyOf': {
      const branches = (parent[error.keyword] as JsonSchema[]) ?? [];
      if (!branches.every(isRequiredOnly)) {
        out.messages.add(`[${scope}] Invalid value [${value}] for [${key}]`);
        return;
      }
      const fields = branches.map((branch) => branch.required?.[0] ?? '');
      const objectSchema = objectSchemaAt(path);
      const fieldScope = fields.some((field) => isSecret(objectSchema, field)) ? 'secret_settings' : key;
      const passing = (error.params as { passingSchemas?: number[] | null }).passingSchemas;
      if (custom) {
        const given = fields.filter((field) => Object.hasOwn((error.data as Record<string, unknown>) ?? {}, field));
        out.messages.add(passing && passing.length > 1 ? `${custom}, received: [${given.join(', ')}]` : custom);
      } else if (error.keyword === 'anyOf') {
        out.messages.add(`[${fieldScope}] does not contain one of the required settings [${fields.join(', ')}]`);
      } else if (passing && passing.length > 1) {
        out.messages.add(`[${fieldScope}] must have only one of the ${fields.map((f) => `[${f}]`).join(' or the ')} key set`);
      } else {
        out.messages.add(missingSetting(fieldScope, fields[0]));
      }
      return;
    }
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      const extraValue = mayBeSecret(objectSchemaAt(path), extra) ? REDACTED_VALUE : (error.data as Record<string, unknown>)[extra];
      if (custom) {
        const keys = out.refused.get(custom) ?? [];
        out.refused.set(custom, [...keys, extra]);
        return;
      }
      out.unknown.push([extra, extraValue]);
      return;
    }
    case 'discriminator': {
      const params = error.params as { error: string; tagValue?: unknown };
      out.illegal ??=
        params.error === 'mapping'
          ? new EsError(400, 'illegal_argument_exception', `Invalid chunkingStrategy ${javaString(params.tagValue)}`)
          : new EsError(400, 'illegal_argument_exception', "Can't generate Chunker without ChunkingStrategy provided");
      return;
    }
    case 'type': {
      const expected = Array.isArray(parent.type) ? parent.type[0] : (parent.type ?? (error.params as { type: string }).type);
      out.messages.add(
        `field [${key}] is not of the expected type. The value [${value}] cannot be converted to a [${javaTypeName(String(expected), parent.format)}]`,
      );
      return;
    }
    case 'enum': {
      const allowed = (parent.enum ?? []).map(javaString).sort();
      out.messages.add(
        custom
          ? fill(custom, { key, value })
          : `[${scope}] Invalid value [${value}] received. [${key}] must be one of [${allowed.join(', ')}]`,
      );
      return;
    }
    case 'const':
      out.messages.add(`[${scope}] Invalid value [${value}] received. [${key}] must be [${javaString(parent.const)}]`);
      return;
    case 'minimum': {
      const limit = (error.params as { limit: number }).limit;
      let text: string;
      if (custom) text = fill(custom, { key, value });
      else if (limit === 1 && scope !== 'chunking_settings') {
        text = `[${scope}] Invalid value [${value}]. [${key}] must be a positive ${parent.format === 'int64' ? 'long' : 'integer'}`;
      } else {
        text = `[${scope}] Invalid value [${value}]. [${key}] must be a greater than or equal to [${formatLimit(limit, scope)}]`;
      }
      out.messages.add(text);
      return;
    }
    case 'maximum': {
      const limit = (error.params as { limit: number }).limit;
      out.messages.add(
        custom
          ? fill(custom, { key, value })
          : `[${scope}] Invalid value [${value}]. [${key}] must be a less than or equal to [${formatLimit(limit, scope)}]`,
      );
      return;
    }
    case 'minLength':
      out.messages.add(`[${scope}] Invalid value empty string. [${key}] must be a non-empty string`);
      return;
    case 'minItems':
      out.messages.add(`[${scope}] Invalid value empty list. [${key}] must be a non-empty list`);
      return;
    case 'format':
    case 'pattern':
      if (custom) {
        out.messages.add(fill(custom, { key, value }));
        return;
      }
      out.messages.add(
        `[${scope}] Invalid url [${value}] received for field [${key}]. Error: unable to parse url [${value}]. Reason: not an absolute http or https URL`,
      );
      return;
    default:
      out.messages.add(`[${scope}] Invalid value [${value}] for [${key}]: ${error.message ?? error.keyword}`);
  }
}

/** The settings error for a list of schema violations, or undefined when there were none. */
export function settingsError(
  errors: readonly SchemaError[],
  serviceName: string,
  objectSchemaAt: (pointer: string) => JsonSchema | undefined,
): EsError | undefined {
  if (errors.length === 0) return undefined;
  const out: Collected = { messages: new Set(), unknown: [], refused: new Map(), missing: new Map() };
  for (const error of errors) describe(error, objectSchemaAt, out);
  for (const [text, keys] of out.refused) out.messages.add(fill(text, { key: keys[0], keys: keys.join(', ') }));
  for (const [text, keys] of out.missing) out.messages.add(fill(text, { missing: keys.join(', ') }));
  if (out.illegal) return out.illegal;
  if (out.messages.size > 0) return validationException([...out.messages]);
  if (out.unknown.length > 0) {
    const rendered = out.unknown.map(([key, value]) => `${key}=${value === REDACTED_VALUE ? REDACTED : javaString(value)}`).join(', ');
    return badRequest(`Model configuration contains settings [{${rendered}}] unknown to the [${serviceName}] service`);
  }
  return undefined;
}

/** Finds the schema of the object at a JSON pointer inside data validated against `root`. */
export function schemaAt(root: JsonSchema, pointer: string): JsonSchema | undefined {
  let schema: JsonSchema | undefined = root;
  for (const segment of segments(pointer)) {
    schema = schema ? flattenSchema(schema) : undefined;
    schema = schema?.properties?.[segment];
  }
  return schema ? flattenSchema(schema) : undefined;
}
