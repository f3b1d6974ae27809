/**
 * What Elasticsearch checks of a request before its action runs, in Elasticsearch's order: the task type in the
 * path, then the typed query parameters as the handler reads them, then any parameter the route does not know.
 * The error envelope of the route is chosen here, so that these errors already come in it.
 */
import type { NextFunction, Request, Response } from 'express';
import { parseTimeValue } from '../http/time-value';
import { paramAsBoolean, paramAsInt, unrecognizedParameters } from '../http/rest-params';
import type { QueryParameter } from '../openapi/query-parameters';
import { matchTemplate } from '../openapi/route-templates';
import { parseTaskType } from '../task-type';
import { setErrorStyle } from './error-style';
import { UNIFIED_ERROR_OPERATIONS } from './routes';

export const operationIdOf = (request: Request): string | undefined =>
  (request as Request & { openapi?: { schema?: { operationId?: string } } }).openapi?.schema?.operationId;

const segmentsOf = (path: string) => path.split('/').slice(1);

/** The envelope for an error of a request: the unified one on the chat routes, also for what failed before the
 * validator knew the operation (a body that is not JSON, a malformed path), judged then by the path's shape. */
export function errorStyleFor(templates: Map<string, string>) {
  const unified = [...UNIFIED_ERROR_OPERATIONS].map((operationId) => segmentsOf(templates.get(operationId) ?? ''));
  return (request: Request): 'unified' | 'elasticsearch' => {
    const operationId = operationIdOf(request);
    if (operationId) return UNIFIED_ERROR_OPERATIONS.has(operationId) ? 'unified' : 'elasticsearch';
    // Of the unified operations only /v1/models is not a POST, and its requests have no body to fail on.
    if (request.method !== 'POST') return 'elasticsearch';
    const segments = segmentsOf(request.path);
    const fits = (template: string[]) => template.length === segments.length && template.every((part, i) => part.startsWith('{') || part === segments[i]);
    return unified.some(fits) ? 'unified' : 'elasticsearch';
  };
}

/** A repeated parameter counts once, with its last value, as Elasticsearch's query-string decoder keeps it. */
function lastValues(query: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) values[name] = Array.isArray(value) ? String(value.at(-1)) : String(value);
  return values;
}

function checkQuery(request: Request, declared: readonly QueryParameter[]): void {
  const values = lastValues(request.query as Record<string, unknown>);
  for (const parameter of declared) {
    const raw = values[parameter.name];
    if (parameter.type === 'boolean') paramAsBoolean(raw, parameter.default === true);
    else if (parameter.type === 'integer') paramAsInt(parameter.name, raw, 0);
    else if (parameter.name === 'timeout' && raw !== undefined) parseTimeValue(raw);
  }
  const unknown = Object.keys(values).filter((name) => !declared.some((parameter) => parameter.name === name));
  if (unknown.length > 0) throw unrecognizedParameters(request.path, unknown, declared.map((parameter) => parameter.name));
}

export function preflight(templates: Map<string, string>, queryParameters: Map<string, QueryParameter[]>) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const operationId = operationIdOf(request);
    if (!operationId) return next(Object.assign(new Error('no route'), { status: 404 }));
    if (UNIFIED_ERROR_OPERATIONS.has(operationId)) setErrorStyle(response, 'unified');
    const pathParams = matchTemplate(templates.get(operationId) ?? '', request.path) ?? {};
    response.locals.pathParams = pathParams;
    try {
      if (pathParams.task_type !== undefined) parseTaskType(pathParams.task_type);
      checkQuery(request, queryParameters.get(operationId) ?? []);
    } catch (error) {
      return next(error);
    }
    next();
  };
}
