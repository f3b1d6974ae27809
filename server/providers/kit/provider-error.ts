/** The errors a provider's failures become, worded as Elasticsearch words them (reference §11). */
import { EsError, statusException } from '../../http/errors';
import { genericErrorDetails, type ErrorDetailsParser, type ProviderErrorDetails } from './error-details';
import { redactSecrets } from './redact';
import type { FailureClass, StatusPolicy } from './status-policy';

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
  errorDetails?: ErrorDetailsParser;
  /** The unified `type` of this service's errors when its body names none (e.g. `mistral_error`). */
  unifiedErrorType?: string;
}

/** On the unified route, the type of a provider error whose body could not be read: the name of the Java class
 * Elasticsearch falls back to, leaked into its answers as is. */
const UNREADABLE_ERROR_TYPE = 'UnifiedChatCompletionErrorResponse';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const redact = (text: string | undefined, context: ErrorContext) => (text === undefined ? undefined : redactSecrets(text, context.secrets));

/** `reason` is ours (redacted where it quotes the provider or a URL); the provider's message is redacted here. The
 * inference id is never redacted: it is the user's name for the endpoint, not a secret, and may share letters with one. */
/** The most of a provider's message quoted (a longer one is cut): enough to read, too little to flood an answer. */
const MESSAGE_LIMIT = 8 * 1024;

const quoted = (message: string) => (message.length > MESSAGE_LIMIT ? `${message.slice(0, MESSAGE_LIMIT)}...` : message);

function withDetails(status: number, reason: string, details: ProviderErrorDetails | undefined, context: ErrorContext, midStream = false): EsError {
  const message = details?.message ? `${reason}. Error message: [${redactSecrets(quoted(details.message), context.secrets)}]` : reason;
  return statusException(status, message, {
    // In a stream Elasticsearch keeps the provider's code or none; before it, a status name stands in for none.
    unifiedCode: redact(details?.code, context) ?? (midStream ? null : undefined),
    unifiedType: details?.type ?? context.unifiedErrorType ?? (details ? undefined : UNREADABLE_ERROR_TYPE),
    param: details?.param,
  });
}

/** A non-2xx answer: the error, and whether the policy retries it. */
export function providerError(response: FailedResponse, context: ErrorContext, policy: StatusPolicy): { error: EsError; failure: FailureClass } {
  const failure = policy(response);
  const details = (context.errorDetails ?? genericErrorDetails)(parseJson(response.body), response.body, response.headers);
  // Provider 5xx (and anything else unexpected) is reported as 400: the request could not be served as asked.
  const status = response.status < 500 && response.status >= 400 ? response.status : 400;
  const reason = `${redactSecrets(failure.prefix, context.secrets)} for request from inference entity id [${context.inferenceId}] status [${response.status}]`;
  return { error: withDetails(status, reason, details, context), failure };
}

/** An error the provider sent inside a stream; always a 500, as in Elasticsearch's streaming processors. */
export function streamedProviderError(details: ProviderErrorDetails | undefined, context: ErrorContext): EsError {
  const reason = `Received an error response for request from inference entity id [${context.inferenceId}]`;
  if (details) return withDetails(500, reason, details, context, true);
  return statusException(500, reason, { unifiedCode: 'stream_error', unifiedType: context.unifiedErrorType ?? UNREADABLE_ERROR_TYPE });
}

/** A 2xx answer that could not be read: `<what failed>. Cause: <why>` (e.g. `Failed to send OpenAI embeddings request`). */
export function unreadableResponse(context: ErrorContext, failedToSend: string, detail: string): EsError {
  return statusException(500, `${failedToSend}. Cause: ${redactSecrets(detail, context.secrets)}`);
}

export function emptyResponse(context: ErrorContext, failedToSend: string): EsError {
  return unreadableResponse(context, failedToSend, `Response body was empty for request from inference entity id [${context.inferenceId}]`);
}

export function connectionError(context: ErrorContext, url: string, cause: unknown): EsError {
  const code = (cause as { code?: string })?.code ?? (cause as Error)?.message ?? 'unknown error';
  const where = redactSecrets(`[${url}]: ${code}`, context.secrets);
  return statusException(400, `Failed to send request from inference entity id [${context.inferenceId}] to ${where}`);
}

/** Elasticsearch's `Failed to send <Service> <task_type> request from inference entity id [<id>]`, of the services
 * whose action names the task type. */
export function failedToSendTask(serviceName: string) {
  return (context: { endpoint: { inferenceId: string } }, taskType: string): string =>
    `Failed to send ${serviceName} ${taskType} request from inference entity id [${context.endpoint.inferenceId}]`;
}
