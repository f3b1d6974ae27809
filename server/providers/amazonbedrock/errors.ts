/**
 * Bedrock Runtime's failures (REST-JSON: the exception named by the `x-amzn-ErrorType` header, `{"message"}` in the
 * body; in a ConverseStream an exception message `{"<exceptionType>": {"message"}}`).
 *
 * Elasticsearch calls Bedrock through the AWS SDK with a retry strategy of one attempt (nothing is retried) and wraps
 * each SDK exception (ValidationException 400, AccessDeniedException 403, ResourceNotFoundException 404,
 * ModelTimeoutException 408, ModelErrorException 424, ThrottlingException 429, InternalServerException 500,
 * ServiceUnavailableException 503) in an ElasticsearchException quoting its message. Here they are worded as every
 * service's provider errors are (reference §11: the status prefix, the endpoint, the AWS message), under the same
 * rule of no retry; the exception's name is the unified route's error `type`.
 */
import { z } from 'zod';
import type { ErrorDetailsParser } from '../kit/error-details';
import type { FailedResponse } from '../kit/provider-error';
import { AUTHENTICATION, BAD_REQUEST, RATE_LIMIT, REDIRECTION, SERVER_ERROR, UNSUCCESSFUL, type StatusPolicy } from '../kit/status-policy';

const PERMISSION_DENIED = 'Received a permission denied error status code';

export const bedrockStatusPolicy: StatusPolicy = (response: FailedResponse) => {
  const { status } = response;
  if (status >= 500) return { prefix: SERVER_ERROR, retry: 'no' };
  if (status === 429) return { prefix: RATE_LIMIT, retry: 'no' };
  if (status === 401) return { prefix: AUTHENTICATION, retry: 'no' };
  if (status === 403) return { prefix: PERMISSION_DENIED, retry: 'no' };
  if (status === 400) return { prefix: BAD_REQUEST, retry: 'no' };
  if (status === 404) return { prefix: `Resource not found at [${response.url}]`, retry: 'no' };
  if (status >= 300 && status < 400) return { prefix: REDIRECTION, retry: 'no' };
  return { prefix: UNSUCCESSFUL, retry: 'no' };
};

const errorBody = z.object({ message: z.string().optional(), Message: z.string().optional(), __type: z.string().optional() }).passthrough();

/** `ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/` → `ThrottlingException`. */
const exceptionName = (value: string | undefined) => value?.split(':')[0].split('#').pop() || undefined;

const header = (headers: Record<string, string | string[] | undefined> | undefined, name: string) => {
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
};

export const bedrockErrorDetails: ErrorDetailsParser = (json, text, headers) => {
  const parsed = errorBody.safeParse(json);
  const type = exceptionName(header(headers, 'x-amzn-errortype')) ?? (parsed.success ? exceptionName(parsed.data.__type) : undefined);
  const message = parsed.success ? (parsed.data.message ?? parsed.data.Message) : text.trim() || undefined;
  return message === undefined && type === undefined ? undefined : { message, type };
};

const streamException = z.record(z.object({ message: z.string().optional() }).passthrough());

/** An exception inside a ConverseStream: `{"throttlingException": {"message": ...}}`. */
export const bedrockStreamError: ErrorDetailsParser = (json, text) => {
  const parsed = streamException.safeParse(json);
  const entry = parsed.success ? Object.entries(parsed.data)[0] : undefined;
  if (!entry) return { message: text };
  const [name, body] = entry;
  return { message: body.message ?? name, type: name.charAt(0).toUpperCase() + name.slice(1) };
};
