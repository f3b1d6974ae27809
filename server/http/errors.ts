/**
 * Errors as Elasticsearch renders them. Every failure the server answers is an EsError; the envelope it is
 * rendered in (Elasticsearch or unified/OpenAI-style) depends on the route.
 */
export interface ErrorCauseJson {
  type: string;
  reason: string;
  caused_by?: ErrorCauseJson;
  header?: Record<string, string | string[]>;
  [metadata: string]: unknown;
}

export interface EsErrorOptions {
  causedBy?: EsError;
  /** Unified envelope only: the provider's own error code (null: none, and no status name in its place) and type,
   * and the offending parameter. */
  unifiedCode?: string | null;
  unifiedType?: string;
  param?: string;
  /** Extra fields Elasticsearch renders after `reason` (its `es.*` metadata, e.g. `additional_unsuccessful_credentials`, or `bytes_wanted`), in root_cause too. */
  metadata?: Record<string, string | number | string[]>;
  /** Response headers Elasticsearch both sends and renders under `header` (e.g. `WWW-Authenticate`). */
  headers?: Record<string, string[]>;
  /** A plain Java exception (e.g. IllegalArgumentException) as a cause: Elasticsearch's root cause stops above it. */
  javaException?: boolean;
}

export class EsError extends Error {
  readonly status: number;
  readonly type: string;
  readonly causedBy?: EsError;
  readonly unifiedCode?: string | null;
  readonly unifiedType?: string;
  readonly param?: string;
  readonly metadata?: Record<string, string | number | string[]>;
  readonly headers?: Record<string, string[]>;
  readonly javaException?: boolean;

  constructor(status: number, type: string, reason: string, options: EsErrorOptions = {}) {
    super(reason);
    this.status = status;
    this.type = type;
    this.causedBy = options.causedBy;
    this.unifiedCode = options.unifiedCode;
    this.unifiedType = options.unifiedType;
    this.param = options.param;
    this.metadata = options.metadata;
    this.headers = options.headers;
    this.javaException = options.javaException;
  }

  get reason(): string {
    return this.message;
  }
}

export const statusException = (status: number, reason: string, options?: EsErrorOptions) =>
  new EsError(status, 'status_exception', reason, options);

export const badRequest = (reason: string) => statusException(400, reason);

/** `Validation Failed: 1: a;2: b;` as Elasticsearch's ValidationException formats it. */
export function formatValidationFailure(messages: readonly string[]): string {
  return `Validation Failed: ${messages.map((message, i) => `${i + 1}: ${message};`).join('')}`;
}

export const validationException = (messages: readonly string[]) =>
  new EsError(400, 'validation_exception', formatValidationFailure(messages));

export const actionRequestValidationException = (messages: readonly string[]) =>
  new EsError(400, 'action_request_validation_exception', formatValidationFailure(messages));

export const resourceNotFound = (reason: string) => new EsError(404, 'resource_not_found_exception', reason);

/** A list of one renders as a string, as Elasticsearch renders its metadata and header values. */
const oneOrMany = (values: string[]): string | string[] => (values.length === 1 ? values[0]! : values);

const mapValues = (record: Record<string, string | number | string[]>) =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, Array.isArray(value) ? oneOrMany(value) : value]));

/** type, reason, metadata, caused_by, header: the order of Elasticsearch's ElasticsearchException.toXContent. */
function causeJson(error: EsError, withCause = true): ErrorCauseJson {
  const json: ErrorCauseJson = { type: error.type, reason: error.reason, ...(error.metadata ? mapValues(error.metadata) : {}) };
  if (withCause && error.causedBy) json.caused_by = causeJson(error.causedBy);
  if (error.headers) json.header = mapValues(error.headers) as Record<string, string | string[]>;
  return json;
}

function rootCause(error: EsError): EsError {
  return error.causedBy && !error.causedBy.javaException ? rootCause(error.causedBy) : error;
}

export interface ElasticsearchErrorBody {
  error: ErrorCauseJson & { root_cause: ErrorCauseJson[] };
  status: number;
}

export function elasticsearchEnvelope(error: EsError): ElasticsearchErrorBody {
  return { error: { root_cause: [causeJson(rootCause(error), false)], ...causeJson(error) }, status: error.status };
}

const STATUS_NAMES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  413: 'request_entity_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  500: 'internal_server_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

export const statusName = (status: number): string => STATUS_NAMES[status] ?? `status_${status}`;

export interface UnifiedErrorBody {
  error: { code?: string; message: string; param?: string; type: string };
}

/** Keys in Elasticsearch's order (code, message, param, type); a code or param it has not is left out. */
export function unifiedEnvelope(error: EsError): UnifiedErrorBody {
  const code = error.unifiedCode === undefined ? statusName(error.status) : error.unifiedCode;
  return {
    error: {
      ...(code === null ? {} : { code }),
      message: error.reason,
      ...(error.param === undefined ? {} : { param: error.param }),
      type: error.unifiedType ?? error.type,
    },
  };
}

/** Turns anything thrown into an EsError; unknown failures become a 500 whose message does not leak internals. */
export function toEsError(error: unknown): EsError {
  if (error instanceof EsError) return error;
  // The original is kept as the cause, for the log line the message points to (never for the answer).
  return Object.assign(new EsError(500, 'exception', 'An internal error occurred; see the server log for details'), { cause: error });
}
