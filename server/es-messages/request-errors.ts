/**
 * Turns schema violations of request bodies (POST inference, chat completion) into Elasticsearch's errors:
 * parse errors (`x_content_parse_exception`, with the line and column of the field) for unknown fields and wrong
 * JSON types, `action_request_validation_exception` for missing or empty values (reference §2.4, §2.6).
 */
import { EsError, actionRequestValidationException } from '../http/errors';
import type { JsonSchema } from '../openapi/document';
import { javaString } from './java-format';
import type { SchemaError } from '../openapi/schema-validator';

export interface RequestBodyContext {
  /** The parser name Elasticsearch puts in parse errors, e.g. `cluster:internal/xpack/inference`. */
  parser: string;
  rawBody: string;
  /** Fields valid for some task type, refused for this one with `Field [x] cannot be specified ...`. */
  taskSpecificFields?: { fields: readonly string[]; taskType: string };
}

const fieldPath = (pointer: string, key?: string): string =>
  [...(pointer === '' ? [] : pointer.slice(1).split('/')), ...(key === undefined ? [] : [key])].join('.');

/** 1-based line and column of the first `"key":` in the raw JSON text (1:1 when not found). A plain scan: the key
 * is user input and never becomes a regular expression. */
export function locate(raw: string, key: string): string {
  const quoted = JSON.stringify(key);
  for (let from = raw.indexOf(quoted); from >= 0; from = raw.indexOf(quoted, from + 1)) {
    let next = from + quoted.length;
    while (next < raw.length && /\s/.test(raw[next])) next++;
    if (raw[next] !== ':') continue;
    const before = raw.slice(0, from);
    let line = 1;
    for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 10) line++;
    return `${line}:${from - before.lastIndexOf('\n')}`;
  }
  return '1:1';
}

function parseError(context: RequestBodyContext, key: string, text: string): EsError {
  return new EsError(400, 'x_content_parse_exception', `[${locate(context.rawBody, key)}] [${context.parser}] ${text}`);
}

/** A schema's own wording for a violation (`x-infergate-messages`), as a parse error: it names the problem better
 * than the failure of the `oneOf` around it would. */
function customParseError(errors: readonly SchemaError[], context: RequestBodyContext): EsError | undefined {
  for (const error of errors) {
    const messages = (error.parentSchema as JsonSchema | undefined)?.['x-infergate-messages'] as Record<string, string> | undefined;
    const template = messages?.[error.keyword];
    if (!template) continue;
    const key = fieldPath(error.instancePath).split('.').at(-1) ?? '';
    // A replacer function: the value is user input, whose `$` patterns must not be expanded.
    return parseError(context, key, template.replace('{value}', () => javaString(error.data)));
  }
  return undefined;
}

export function requestBodyError(errors: readonly SchemaError[], context: RequestBodyContext): EsError | undefined {
  if (errors.length === 0) return undefined;
  const custom = customParseError(errors, context);
  if (custom) return custom;
  const validation = new Set<string>();
  let parse: EsError | undefined;

  for (const error of errors) {
    const parent = error.parentSchema as JsonSchema;
    const path = fieldPath(error.instancePath);
    const key = path.split('.').at(-1) ?? '';
    switch (error.keyword) {
      case 'additionalProperties': {
        const extra = (error.params as { additionalProperty: string }).additionalProperty;
        const specific = context.taskSpecificFields;
        if (error.instancePath === '' && specific?.fields.includes(extra)) {
          validation.add(`Field [${extra}] cannot be specified for task type [${specific.taskType}]`);
        } else {
          parse ??= parseError(context, extra, `unknown field [${fieldPath(error.instancePath, extra)}]`);
        }
        break;
      }
      case 'required': {
        if (Object.keys(parent).every((k) => k === 'required')) break;
        const missing = fieldPath(error.instancePath, (error.params as { missingProperty: string }).missingProperty);
        validation.add(
          missing === 'query'
            ? 'Field [query] cannot be null for task type [rerank]'
            : `Field [${missing}] cannot be null`,
        );
        break;
      }
      case 'minItems':
        validation.add(`Field [${path}] cannot be an empty array`);
        break;
      case 'minLength':
        validation.add(path === 'query' ? 'Field [query] cannot be empty for task type [rerank]' : `Field [${path}] cannot be empty`);
        break;
      case 'type':
      case 'oneOf':
      case 'anyOf':
        if (error.data === null) validation.add(`Field [${path}] cannot be null`);
        // A branch of the type matched but one of its limits failed (`input: []`): that limit's error speaks.
        else if (error.keyword !== 'type' && errors.some((e) => e.instancePath === error.instancePath && (e.keyword === 'minItems' || e.keyword === 'minLength'))) break;
        else if (!(error.keyword === 'type' && error.schemaPath.includes('/oneOf/'))) {
          parse ??= parseError(context, key, `failed to parse field [${path}]: expected ${describeExpected(parent)}, got [${javaString(error.data)}]`);
        }
        break;
      case 'enum':
        if (key === 'input_type') {
          parse ??= new EsError(400, 'illegal_argument_exception', `Unrecognized input_type [${javaString(error.data)}]`);
        } else {
          validation.add(`Field [${path}] must be one of [${(parent.enum ?? []).map(javaString).join(', ')}], got [${javaString(error.data)}]`);
        }
        break;
      case 'minimum':
        validation.add(`Field [${path}] must be greater than or equal to [${(error.params as { limit: number }).limit}], got [${javaString(error.data)}]`);
        break;
      case 'const':
        validation.add(`Field [${path}] must be [${javaString(parent.const)}]`);
        break;
      default:
        validation.add(`Field [${path}] ${error.message ?? 'is invalid'}`);
    }
  }
  if (parse) return parse;
  return validation.size > 0 ? actionRequestValidationException([...validation]) : undefined;
}

function describeExpected(schema: JsonSchema): string {
  if (schema.oneOf || schema.anyOf) {
    return (schema.oneOf ?? schema.anyOf ?? []).map(describeExpected).join(' or ');
  }
  if (schema.type === 'array' && schema.items) return `an array of ${describeExpected(schema.items)}s`;
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : schema.type;
  return type === 'object' ? 'an object' : type === 'integer' ? 'an integer' : `a ${type ?? 'value'}`;
}
