/**
 * What the OpenAI-compatible routes share: their bodies checked against the spec with OpenAI's wording of the
 * problem (`param` naming the field), and the endpoint `model` names, of the task types the route serves. Errors
 * render in OpenAI's envelope (the routes are unified-error operations).
 */
import type { Request } from 'express';
import { EsError } from '../http/errors';
import { requestBodySchema } from '../openapi/document';
import type { SchemaError } from '../openapi/schema-validator';
import type { StoredEndpoint } from '../store/endpoint-store';
import type { TaskType } from '../task-type';
import { requireBody, type ApiContext } from '../api/context';

/** An OpenAI-style `invalid_request_error`. */
export function invalidRequest(status: number, message: string, param?: string, code?: string): EsError {
  return new EsError(status, 'invalid_request_error', message, { unifiedType: 'invalid_request_error', unifiedCode: code ?? null, param });
}

/** `/messages/0/content` → `messages[0].content`, as OpenAI names a field. */
const paramOf = (instancePath: string) =>
  instancePath
    .split('/')
    .slice(1)
    .map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');

function describe(error: SchemaError): EsError {
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    const where = paramOf(error.instancePath);
    const param = where ? `${where}.${extra}` : extra;
    return invalidRequest(400, `Unrecognized request argument supplied: ${param}`, param);
  }
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    const where = paramOf(error.instancePath);
    const param = where ? `${where}.${missing}` : missing;
    return invalidRequest(400, `Missing required parameter: '${param}'.`, param);
  }
  const param = paramOf(error.instancePath);
  return invalidRequest(400, `Invalid value for '${param}': ${error.message ?? 'not valid'}.`, param);
}

/** The body of `operationId`, valid against the spec; else OpenAI's 400 naming the first bad field. */
export function openAiBody<T>(request: Request, context: ApiContext, operationId: string): T {
  const body = requireBody(request);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidRequest(400, 'The request body must be a JSON object.');
  const schema = requestBodySchema(context.operations.get(operationId)!)!;
  const { value, errors } = context.validator.validate<T>(schema, body, { inPlace: true });
  // The deepest error says most (a `oneOf` reports its own failure after its branches').
  const first = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length).find((error) => error.keyword !== 'oneOf') ?? errors[0];
  if (first) throw describe(first);
  return value;
}

/** The endpoint `model` names; it must be of one of `taskTypes`. */
export function modelEndpoint(context: ApiContext, model: string, taskTypes: readonly TaskType[], route: string): StoredEndpoint {
  const endpoint = context.store.get(model);
  if (!endpoint) throw invalidRequest(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'model', 'model_not_found');
  if (!taskTypes.includes(endpoint.taskType)) {
    throw invalidRequest(400, `The model \`${model}\` is a ${endpoint.taskType} endpoint; ${route} takes ${taskTypes.join(' or ')} endpoints.`, 'model');
  }
  return endpoint;
}
