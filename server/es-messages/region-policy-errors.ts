/**
 * Schema violations of a PUT region policy body in the words of Elasticsearch's object parsers
 * (`put_region_policy_request` > `region_policy` > `csp_region`): an error in a nested object is wrapped in
 * `[parser] failed to parse field [field]` at every level above it, as Elasticsearch's parsers wrap it.
 */
import { EsError, actionRequestValidationException } from '../http/errors';
import type { SchemaError } from '../openapi/schema-validator';
import { locate } from './request-errors';

const ROOT_PARSER = 'put_region_policy_request';
const parserAt = (depth: number) => (depth === 0 ? ROOT_PARSER : depth === 1 ? 'region_policy' : 'csp_region');

function token(value: unknown): string {
  if (value === null) return 'VALUE_NULL';
  if (Array.isArray(value)) return 'START_ARRAY';
  if (typeof value === 'object') return 'START_OBJECT';
  if (typeof value === 'number') return 'VALUE_NUMBER';
  if (typeof value === 'boolean') return 'VALUE_BOOLEAN';
  return 'VALUE_STRING';
}

const parseError = (raw: string, key: string, text: string, causedBy?: EsError) =>
  new EsError(400, 'x_content_parse_exception', `[${locate(raw, key)}] ${text}`, { causedBy });

/** The object fields on the way to an instance path (`/region_policy/allowed_regions/0/csp` → region_policy,
 * allowed_regions, csp): array indexes are not objects of their own. */
const fieldsOf = (instancePath: string) => instancePath.split('/').slice(1).filter((segment) => !/^\d+$/.test(segment));

/** Wraps `inner`, raised inside the object reached through `fields`, in one parse failure per enclosing field. */
function wrap(raw: string, fields: string[], inner: EsError): EsError {
  let error = inner;
  for (let depth = fields.length - 1; depth >= 0; depth--) {
    error = parseError(raw, fields[depth], `[${parserAt(depth)}] failed to parse field [${fields[depth]}]`, error);
  }
  return error;
}

function errorOf(error: SchemaError, raw: string): EsError | undefined {
  const fields = fieldsOf(error.instancePath);
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      return wrap(raw, fields, parseError(raw, extra, `[${parserAt(fields.length)}] unknown field [${extra}]`));
    }
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return wrap(raw, fields, new EsError(400, 'illegal_argument_exception', `Required [${missing}]`));
    }
    case 'type': {
      if (fields.length === 0) return parseError(raw, '', `[${ROOT_PARSER}] Expected START_OBJECT but was: ${token(error.data)}`);
      const field = fields.at(-1) ?? '';
      const owner = fields.slice(0, -1);
      return wrap(raw, owner, parseError(raw, field, `[${parserAt(owner.length)}] ${field} doesn't support values of type: ${token(error.data)}`));
    }
    default:
      return undefined;
  }
}

/** The error Elasticsearch would answer for the first problem of a PUT region policy body, if any. */
export function regionPolicyBodyError(errors: readonly SchemaError[], body: unknown, raw: string): EsError | undefined {
  // The parsers stop at the first problem; the outermost one is the one they meet first.
  const parse = [...errors]
    .sort((a, b) => fieldsOf(a.instancePath).length - fieldsOf(b.instancePath).length)
    .map((error) => errorOf(error, raw))
    .find((error) => error !== undefined);
  if (parse) return parse;
  const policy = (body as { region_policy?: Record<string, unknown> }).region_policy ?? {};
  if ('allowed_geos' in policy && 'allowed_regions' in policy) {
    return wrap(raw, ['region_policy'], parseError(raw, 'allowed_regions', 'The following fields are not allowed together: [allowed_geos, allowed_regions]'));
  }
  if (!('allowed_geos' in policy) && !('allowed_regions' in policy)) {
    return wrap(raw, ['region_policy'], new EsError(400, 'illegal_argument_exception', 'Required one of fields [allowed_geos, allowed_regions], but none were specified.'));
  }
  const empty = ['allowed_geos', 'allowed_regions'].filter((field) => Array.isArray(policy[field]) && (policy[field] as unknown[]).length === 0);
  if (empty.length > 0) return actionRequestValidationException(empty.map((field) => `[region_policy.${field}] must not be empty`));
  return errors.length > 0 ? actionRequestValidationException(errors.map((e) => `[${fieldsOf(e.instancePath).join('.')}] ${e.message ?? 'is invalid'}`)) : undefined;
}
