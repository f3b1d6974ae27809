import type { ElasticsearchError, UnifiedError } from './types';

/** The error bodies the server sends: Elasticsearch's envelope, or the OpenAI-style one of the chat routes. */
export type ErrorEnvelope = ElasticsearchError | UnifiedError;

/** A non-2xx answer, or an `error` event in a stream. */
export class InfergateError extends Error {
  override readonly name = 'InfergateError';

  constructor(
    readonly status: number,
    /** The error envelope; the raw text when the body was not an envelope; undefined when it was empty. */
    readonly body: ErrorEnvelope | string | undefined,
  ) {
    super(describe(status, body));
  }

  /** `error.type` of either envelope, e.g. `resource_not_found_exception`. */
  get type(): string | undefined {
    return typeof this.body === 'object' ? this.body.error.type : undefined;
  }
}

export function isElasticsearchError(body: unknown): body is ElasticsearchError {
  return hasErrorObject(body) && typeof body.error.reason === 'string';
}

export function isUnifiedError(body: unknown): body is UnifiedError {
  return hasErrorObject(body) && typeof body.error.message === 'string' && typeof body.error.type === 'string';
}

/** Builds the error for an HTTP answer; `body` is what openapi-fetch read (parsed JSON or text). */
export function errorFromResponse(status: number, body: unknown): InfergateError {
  return new InfergateError(status, asErrorBody(body));
}

/** Builds the error for an `error` event, whose status is only in the envelope. */
export function errorFromEnvelope(body: unknown): InfergateError {
  const errorBody = asErrorBody(body);
  return new InfergateError(statusOfEnvelope(errorBody), errorBody);
}

function statusOfEnvelope(body: ErrorEnvelope | string | undefined): number {
  if (isElasticsearchError(body) && typeof body.status === 'number') return body.status;
  if (isUnifiedError(body)) return (body.error.code && STATUS_BY_CODE[body.error.code]) || 500;
  return 500;
}

/** The codes of unified envelopes are Elasticsearch's RestStatus names, lower-cased. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  bad_request: 400,
  unauthorized: 401,
  payment_required: 402,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  not_acceptable: 406,
  request_timeout: 408,
  conflict: 409,
  gone: 410,
  request_entity_too_large: 413,
  unsupported_media_type: 415,
  unprocessable_entity: 422,
  too_many_requests: 429,
  internal_server_error: 500,
  not_implemented: 501,
  bad_gateway: 502,
  service_unavailable: 503,
  gateway_timeout: 504,
};

function asErrorBody(body: unknown): ErrorEnvelope | string | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  if (isElasticsearchError(body) || isUnifiedError(body)) return body;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

function hasErrorObject(body: unknown): body is { error: Record<string, unknown> } {
  return (
    typeof body === 'object' &&
    body !== null &&
    'error' in body &&
    typeof body.error === 'object' &&
    body.error !== null
  );
}

function describe(status: number, body: ErrorEnvelope | string | undefined): string {
  if (isElasticsearchError(body)) return `[${status}] ${body.error.type}: ${body.error.reason}`;
  if (isUnifiedError(body)) return `[${status}] ${body.error.type}: ${body.error.message}`;
  return body ? `[${status}] ${body.slice(0, 500)}` : `[${status}] (no body)`;
}
