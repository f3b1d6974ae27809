/**
 * What every request to Anthropic's Messages API shares, as Elasticsearch's AnthropicRequestUtils and
 * AnthropicResponseHandler have it: the fixed URL, `x-api-key` and `anthropic-version: 2023-06-01`, the statuses
 * (529 overloaded and 429 retried, with Anthropic's rate-limit headers quoted) and how error bodies are read.
 */
import { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import { errorDetailsFrom, wholeBodyErrorDetails } from '../kit/error-details';
import type { FailedResponse } from '../kit/provider-error';
import { AUTHENTICATION, RATE_LIMIT, REDIRECTION, SERVER_ERROR, UNSUCCESSFUL, type StatusPolicy } from '../kit/status-policy';

export const MESSAGES_URL = 'https://api.anthropic.com/v1/messages';
export const ANTHROPIC_VERSION = '2023-06-01';
/** XContentType.JSON's media type: without a charset. */
export const CONTENT_TYPE = 'application/json';

export function anthropicHeaders(context: CallContext): Record<string, string> {
  const key = context.endpoint.secrets.api_key;
  return { ...(typeof key === 'string' ? { 'x-api-key': key } : {}), 'anthropic-version': ANTHROPIC_VERSION };
}

const SERVER_BUSY = 'Received an Anthropic server is temporarily overloaded status code';
const PERMISSION_DENIED = 'Received a permission denied error status code';

function header(response: FailedResponse, name: string): string {
  const value = response.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? 'unknown';
}

/** AnthropicResponseHandler.buildRateLimitErrorMessage, from https://docs.anthropic.com/en/api/rate-limits#response-headers. */
function rateLimitMessage(response: FailedResponse): string {
  const value = (name: string) => header(response, `anthropic-ratelimit-${name}`);
  return (
    `${RATE_LIMIT}. Token limit [${value('tokens-limit')}], remaining tokens [${value('tokens-remaining')}], tokens reset [${value('tokens-reset')}]. ` +
    `Request limit [${value('requests-limit')}], remaining requests [${value('requests-remaining')}], request reset [${value('requests-reset')}]. ` +
    `Retry after [${header(response, 'retry-after')}]`
  );
}

/** AnthropicResponseHandler.checkForFailureStatusCode: a 400 or 404 is merely "unsuccessful" there. */
export const anthropicStatusPolicy: StatusPolicy = (response) => {
  const { status } = response;
  if (status === 500) return { prefix: SERVER_ERROR, retry: 'yes' };
  if (status === 529) return { prefix: SERVER_BUSY, retry: 'yes' };
  if (status > 500) return { prefix: SERVER_ERROR, retry: 'no' };
  if (status === 429) return { prefix: rateLimitMessage(response), retry: 'yes' };
  if (status === 403) return { prefix: PERMISSION_DENIED, retry: 'no' };
  if (status === 401) return { prefix: AUTHENTICATION, retry: 'no' };
  if (status >= 300 && status < 400) return { prefix: REDIRECTION, retry: 'no' };
  return { prefix: UNSUCCESSFUL, retry: 'no' };
};

/** ErrorMessageResponseEntity (the completion routes): the `error.message` of `{"type":"error","error":{...}}`. */
export const completionErrorDetails = errorDetailsFrom(z.object({ error: z.object({ message: z.string() }) }), ({ error }) => ({ message: error.message }));

/** AnthropicChatCompletionResponseHandler (the unified route): the whole body is the message, typed anthropic_error. */
export const chatErrorDetails = wholeBodyErrorDetails('anthropic_error');
