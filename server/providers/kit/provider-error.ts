/** Maps a provider's HTTP failure to the error Elasticsearch reports (reference §11). */
import { EsError, statusException } from '../../http/errors';
import { redactSecrets } from './redact';

export interface ProviderErrorDetails {
  message?: string;
  type?: string;
  code?: string;
  param?: string;
}

export interface FailedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  url: string;
}

export interface ErrorContext {
  inferenceId: string;
  secrets: Record<string, unknown>;
  /** Reads the provider's own message, type and code out of an error body. */
  parseErrorBody?: (body: unknown) => ProviderErrorDetails | undefined;
  /** Adds provider-specific detail to the 429 message (OpenAI's token and request limits). */
  describeRateLimit?: (headers: FailedResponse['headers']) => string;
}

/** Bodies of the common shapes: `{"error":{"message"}}`, `{"error":"..."}`, `{"message"}`, `{"detail"}`. */
export function genericErrorDetails(body: unknown): ProviderErrorDetails | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  const error = record.error;
  if (error && typeof error === 'object') {
    const inner = error as Record<string, unknown>;
    return {
      message: typeof inner.message === 'string' ? inner.message : undefined,
      type: typeof inner.type === 'string' ? inner.type : undefined,
      code: typeof inner.code === 'string' ? inner.code : undefined,
      param: typeof inner.param === 'string' ? inner.param : undefined,
    };
  }
  if (typeof error === 'string') return { message: error };
  if (typeof record.message === 'string') return { message: record.message };
  if (typeof record.detail === 'string') return { message: record.detail };
  return undefined;
}

function prefixFor(response: FailedResponse, context: ErrorContext): string {
  const { status } = response;
  if (status === 500) return 'Received a server error status code';
  if (status === 503) return 'Received a server busy error status code';
  if (status > 500) return 'Received a server error status code';
  if (status === 429) return `Received a rate limit status code${context.describeRateLimit?.(response.headers) ?? ''}`;
  if (status === 401) return 'Received an authentication error status code';
  if (status === 403) return 'Received a permission denied error status code';
  if (status >= 300 && status < 400) return 'Unhandled redirection';
  if (status === 400) return 'Received a bad request status code';
  if (status === 404) return `Resource not found at [${response.url}]`;
  if (status === 413) return 'Received a content too large status code';
  return 'Received an unsuccessful status code';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function providerError(response: FailedResponse, context: ErrorContext): EsError {
  const details = (context.parseErrorBody ?? genericErrorDetails)(parseJson(response.body)) ?? {};
  let reason = `${prefixFor(response, context)} for request from inference entity id [${context.inferenceId}] status [${response.status}]`;
  if (details.message) reason += `. Error message: [${details.message}]`;
  // Provider 5xx (and anything else unexpected) is reported as 400: the request could not be served as asked.
  const status = response.status < 500 && response.status >= 400 ? response.status : 400;
  return statusException(status, redactSecrets(reason, context.secrets), {
    unifiedCode: details.code ? redactSecrets(details.code, context.secrets) : undefined,
    unifiedType: details.type,
    param: details.param,
  });
}

export function unreadableResponse(context: ErrorContext, provider: string, detail: string): EsError {
  return statusException(
    400,
    redactSecrets(
      `Failed to parse the response from [${provider}] for request from inference entity id [${context.inferenceId}]: ${detail}`,
      context.secrets,
    ),
  );
}

export function emptyResponse(context: ErrorContext): EsError {
  return statusException(400, `Response body was empty for request from inference entity id [${context.inferenceId}]`);
}

export function connectionError(context: ErrorContext, url: string, cause: unknown): EsError {
  const code = (cause as { code?: string })?.code ?? (cause as Error)?.message ?? 'unknown error';
  return statusException(
    400,
    redactSecrets(`Failed to send request from inference entity id [${context.inferenceId}] to [${url}]: ${code}`, context.secrets),
  );
}
