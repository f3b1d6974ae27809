/** What every API handler gets, and small helpers for reading requests. */
import type { SecurityServices } from '../security/security-services';
import type { Request, Response } from 'express';
import type { Config } from '../config';
import { EsError } from '../http/errors';
import { paramAsBoolean } from '../http/rest-params';
import { parseTimeValue, timeValueFromMs, type TimeValue } from '../http/time-value';
import type { Logger } from '../logger';
import type { Metrics } from '../observability/metrics';
import type { ProviderRegistry } from '../providers/registry';
import type { RateLimitBackend } from '../providers/kit/rate-limit-backend';
import type { UpstreamAllowList } from '../providers/kit/upstream-allow-list';
import type { Operation } from '../openapi/document';
import type { SchemaValidator } from '../openapi/schema-validator';
import type { ServiceCatalog } from '../openapi/service-catalog';
import type { RegionPolicyStore } from '../store/region-policy-store';
import type { StoreWithDefaultEndpoints } from '../store/with-default-endpoints';
import { parseTaskType, type RequestedTaskType, type TaskType } from '../task-type';

export interface ApiContext {
  config: Config;
  /** The endpoints, default endpoints included. */
  store: StoreWithDefaultEndpoints;
  catalog: ServiceCatalog;
  regionPolicies: RegionPolicyStore;
  providers: ProviderRegistry;
  validator: SchemaValidator;
  operations: Map<string, Operation>;
  limiters: RateLimitBackend;
  /** Where user-supplied upstream URLs may point (INFERGATE_ALLOWED_UPSTREAM_HOSTS). */
  upstreamAllowList: UpstreamAllowList;
  logger: Logger;
  clusterUuid: string;
  /** Authentication's stores; undefined with security off. */
  security?: SecurityServices;
  metrics: Metrics;
}

export type Handler = (request: Request, response: Response, context: ApiContext) => Promise<void> | void;

/** A path parameter, read against the path template of the operation that serves the request. */
export const pathParam = (request: Request, name: string): string | undefined =>
  (request.res?.locals.pathParams as Record<string, string> | undefined)?.[name];

/** The task type in the URL (`any` when the route has none). */
export function urlTaskType(request: Request): RequestedTaskType {
  const raw = pathParam(request, 'task_type');
  return raw === undefined ? 'any' : parseTaskType(raw);
}

/** A query parameter's value; a repeated one has its last value, as Elasticsearch keeps it. */
export function queryString(request: Request, name: string): string | undefined {
  const value = request.query[name];
  if (Array.isArray(value)) return value.length > 0 ? String(value.at(-1)) : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** A boolean query parameter (false by default), read as Elasticsearch reads it; the preflight refused bad ones. */
export const queryFlag = (request: Request, name: string): boolean => paramAsBoolean(queryString(request, name), false);

/** The raw JSON text of the request (kept by the body parser), '' when there was none. */
export const rawBody = (request: Request): string => (request as Request & { rawBody?: string }).rawBody ?? '';

/** The parsed JSON body; 400 `request body is required` when there is none. */
export function requireBody(request: Request): unknown {
  if (rawBody(request).trim() === '') throw new EsError(400, 'parse_exception', 'request body is required');
  return request.body;
}

const LONG_RUNNING: readonly TaskType[] = ['completion', 'chat_completion'];

/** The call's time budget: `timeout` in the query, else in the body, else the task type's default. */
export function callTimeout(request: Request, context: ApiContext, taskType: TaskType, bodyTimeout?: unknown): TimeValue {
  const raw = queryString(request, 'timeout') ?? (typeof bodyTimeout === 'string' ? bodyTimeout : undefined);
  if (raw !== undefined) return parseTimeValue(raw);
  return timeValueFromMs(LONG_RUNNING.includes(taskType) ? context.config.defaultCompletionTimeoutMs : context.config.defaultTimeoutMs);
}

/** An AbortSignal that fires when the client closes the connection before the answer was sent. */
export function clientGoneSignal(response: Response): AbortSignal {
  const controller = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}
