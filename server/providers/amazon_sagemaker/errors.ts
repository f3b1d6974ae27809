/**
 * SageMaker Runtime's failures as Elasticsearch's SageMakerSchema words them: the AWS SDK turns an error answer
 * (REST-JSON: `x-amzn-ErrorType` and `{"message"}`) into an exception of its own, which errorMessageAndStatus maps to a
 * message naming the endpoint and a status — with the SDK's exception as the cause. Which answers are tried again is
 * the SDK's standard retry policy (three attempts): throttling, 500, 502, 503 and 504.
 */
import { EsError, statusException } from '../../http/errors';
import type { ErrorContext, FailedResponse } from '../kit/provider-error';
import { redactSecrets } from '../kit/redact';
import type { StatusPolicy } from '../kit/status-policy';

/** The SDK's exception classes by error code; other codes are a plain SageMakerRuntimeException. */
const EXCEPTION_CLASSES: Readonly<Record<string, string>> = {
  InternalDependencyException: 'internal_dependency_exception',
  InternalFailure: 'internal_failure_exception',
  InternalStreamFailure: 'internal_stream_failure_exception',
  ModelError: 'model_error_exception',
  ModelStreamError: 'model_stream_error_exception',
  ModelNotReadyException: 'model_not_ready_exception',
  ServiceUnavailable: 'service_unavailable_exception',
  ValidationError: 'validation_error_exception',
};
const RUNTIME_EXCEPTION = 'sage_maker_runtime_exception';

type Wording = [status: number, message: (id: string) => string];

/** SageMakerSchema.errorMessageAndStatus: first by exception class, then by AWS's common error codes. */
const WORDINGS: Readonly<Record<string, Wording>> = {
  InternalDependencyException: [500, (id) => `Received an internal dependency error from SageMaker for [${id}]`],
  InternalFailure: [500, (id) => `Received an internal failure from SageMaker for [${id}]`],
  ModelError: [424, (id) => `Received a model error from SageMaker for [${id}]`],
  ModelNotReadyException: [429, (id) => `Received a model not ready error from SageMaker for [${id}]`],
  ServiceUnavailable: [503, (id) => `SageMaker is unavailable for [${id}]`],
  ValidationError: [400, (id) => `Received a validation error from SageMaker for [${id}]`],
  AccessDeniedException: [400, (id) => `Access and Secret key stored in [${id}] do not have sufficient permissions.`],
  NotAuthorized: [400, (id) => `Access and Secret key stored in [${id}] do not have sufficient permissions.`],
  IncompleteSignature: [500, (id) => `The request signature does not conform to AWS standards [${id}]`],
  InvalidAction: [400, (id) => `The requested action is not valid for [${id}]`],
  InvalidClientTokenId: [403, (id) => `Access key stored in [${id}] does not exist in AWS`],
  OptInRequired: [403, (id) => `Access key stored in [${id}] needs a subscription for the service`],
  RequestExpired: [400, (id) => `The request reached SageMaker more than 15 minutes after the date stamp on the request for [${id}]`],
  ThrottlingException: [400, (id) => `SageMaker denied the request for [${id}] due to request throttling`],
};
const UNKNOWN: Wording = [500, (id) => `Received an error from SageMaker for [${id}]`];

/** The unified chat route's `code`: the Java RestStatus name of the status (UnifiedChatCompletionException). */
const REST_STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'bad_request',
  403: 'forbidden',
  424: 'failed_dependency',
  429: 'too_many_requests',
  500: 'internal_server_error',
  503: 'service_unavailable',
};

/** The SDK's throttling codes, retried whatever the status (AWS's common ThrottlingException is a 400). */
const THROTTLING_CODES = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'TooManyRequestsException', 'RequestThrottled', 'RequestThrottledException']);
const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);

function header(response: FailedResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The REST-JSON error code: `x-amzn-ErrorType` up to its `:`, else the body's `__type` or `code`. */
function errorCode(response: FailedResponse, body: Record<string, unknown>): string {
  const raw = header(response, 'x-amzn-errortype') ?? (typeof body.__type === 'string' ? body.__type : undefined) ?? (typeof body.code === 'string' ? body.code : '');
  return raw.split(':')[0].split('#').at(-1) ?? '';
}

function bodyOf(text: string): Record<string, unknown> {
  try {
    const json: unknown = JSON.parse(text);
    return json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The error of an exception named `code` (`sdkMessage`: what the SDK's exception says, secrets redacted). */
export function sageMakerError(code: string, context: ErrorContext, sdkMessage: string): EsError {
  const [status, message] = Object.hasOwn(WORDINGS, code) ? WORDINGS[code] : UNKNOWN;
  const type = Object.hasOwn(EXCEPTION_CLASSES, code) ? EXCEPTION_CLASSES[code] : RUNTIME_EXCEPTION;
  const cause = new EsError(status, type, redactSecrets(sdkMessage, context.secrets), { javaException: true });
  return statusException(status, message(context.inferenceId), { causedBy: cause, unifiedCode: REST_STATUS_NAMES[status], unifiedType: 'error' });
}

/** An error answer as the SDK's exception: its message, then `(Service: SageMakerRuntime, Status Code: .., Request ID: ..)`. */
export function errorFor(response: FailedResponse, context: ErrorContext): EsError {
  const body = bodyOf(response.body);
  const message = typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : null;
  const details = `(Service: SageMakerRuntime, Status Code: ${response.status}, Request ID: ${header(response, 'x-amzn-requestid') ?? 'null'})`;
  return sageMakerError(errorCode(response, body), context, `${message} ${details}`);
}

/** The SDK's standard retry conditions; the prefix is unused (errorFor words the error). */
export const sdkRetryPolicy: StatusPolicy = (response) => {
  const retried = RETRIED_STATUSES.has(response.status) || THROTTLING_CODES.has(errorCode(response, bodyOf(response.body)));
  return { prefix: '', retry: retried ? 'yes' : 'no' };
};

/**
 * An answer that could not be read: SageMakerSchema.response's wrapper. Its `[%s]` is never filled in (the exception
 * formats `{}` placeholders), so Elasticsearch says `[%s]` literally; so does this.
 */
export function untranslatable(detail: string): EsError {
  const cause = new EsError(500, 'x_content_parse_exception', detail, { javaException: true });
  return statusException(500, 'Failed to translate SageMaker response for [%s]', { causedBy: cause, unifiedCode: 'internal_server_error', unifiedType: 'error' });
}
