/**
 * What a failed provider status means, as each of Elasticsearch's response handlers decides it (reference §11): the
 * message prefix, and whether the request is tried again. A service picks the policy of the handler Elasticsearch
 * uses for it; the OpenAI ones are the most common.
 */
import type { FailedResponse } from './provider-error';

export type Retry = 'no' | 'yes' | 'truncated';

export interface FailureClass {
  prefix: string;
  /** `truncated`: tried again with every input cut to half (content too large), when the request can be. */
  retry: Retry;
}

export type StatusPolicy = (response: FailedResponse) => FailureClass;

export const SERVER_ERROR = 'Received a server error status code';
export const RATE_LIMIT = 'Received a rate limit status code';
export const AUTHENTICATION = 'Received an authentication error status code';
export const REDIRECTION = 'Unhandled redirection';
export const CONTENT_TOO_LARGE = 'Received a content too large status code';
export const UNSUCCESSFUL = 'Received an unsuccessful status code';
export const BAD_REQUEST = 'Received a bad request status code';
const SERVER_BUSY = 'Received a server busy error status code';
const INPUT_VALIDATION = 'Received an input validation error response';
/** OpenAI's wording for a prompt over the model's context; Elasticsearch treats such a 400 as content too large. */
const CONTENT_TOO_LARGE_MESSAGE = 'Please reduce your prompt; or completion length.';

const resourceNotFound = (response: FailedResponse) => `Resource not found at [${response.url}]`;

function header(response: FailedResponse, name: string): string {
  const value = response.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? 'unknown';
}

/** `. Token limit [..], remaining tokens [..]. Request limit [..], remaining requests [..]` from OpenAI's headers. */
function openAiRateLimit(response: FailedResponse): string {
  return (
    `${RATE_LIMIT}. Token limit [${header(response, 'x-ratelimit-limit-tokens')}], remaining tokens [${header(response, 'x-ratelimit-remaining-tokens')}]` +
    `. Request limit [${header(response, 'x-ratelimit-limit-requests')}], remaining requests [${header(response, 'x-ratelimit-remaining-requests')}]`
  );
}

function isContentTooLarge(response: FailedResponse): boolean {
  return response.status === 413 || (response.status === 400 && response.body.includes(CONTENT_TOO_LARGE_MESSAGE));
}

/** OpenAiResponseHandler (embeddings of OpenAI and of the services on its wire). Note that a 403 is "unsuccessful"
 * there, not "permission denied": that handler never uses the latter. */
export const openAiStatusPolicy: StatusPolicy = (response) => {
  const { status } = response;
  if (status === 500) return { prefix: SERVER_ERROR, retry: 'yes' };
  if (status === 503) return { prefix: SERVER_BUSY, retry: 'yes' };
  if (status > 500) return { prefix: SERVER_ERROR, retry: 'no' };
  if (status === 429) return { prefix: openAiRateLimit(response), retry: 'yes' };
  if (isContentTooLarge(response)) return { prefix: CONTENT_TOO_LARGE, retry: 'truncated' };
  if (status === 401) return { prefix: AUTHENTICATION, retry: 'no' };
  if (status >= 300 && status < 400) return { prefix: REDIRECTION, retry: 'no' };
  // OpenAI itself sends no 422; Mistral does, with OpenAI's error format otherwise.
  if (status === 422) return { prefix: INPUT_VALIDATION, retry: 'no' };
  if (status === 400) return { prefix: BAD_REQUEST, retry: 'no' };
  if (status === 404) return { prefix: resourceNotFound(response), retry: 'no' };
  return { prefix: UNSUCCESSFUL, retry: 'no' };
};

/** OpenAiChatCompletionResponseHandler (completion and chat): a 429 is not retried and says nothing of limits, and
 * content too large is final. */
export const openAiChatStatusPolicy: StatusPolicy = (response) => {
  if (response.status === 429) return { prefix: RATE_LIMIT, retry: 'no' };
  const failure = openAiStatusPolicy(response);
  return failure.retry === 'truncated' ? { ...failure, retry: 'no' } : failure;
};

/** The 429 wording of Azure's handlers: without limit headers, only what remains. */
function remainingRateLimit(response: FailedResponse): string {
  if (header(response, 'x-ratelimit-limit-tokens') === 'unknown' && header(response, 'x-ratelimit-limit-requests') === 'unknown') {
    return `${RATE_LIMIT}. Remaining tokens [${header(response, 'x-ratelimit-remaining-tokens')}]. Remaining requests [${header(response, 'x-ratelimit-remaining-requests')}].`;
  }
  return openAiRateLimit(response);
}

/** AzureMistralOpenAiExternalResponseHandler (Mistral's embeddings): every 4xx but 401, 429 and content too large
 * (413, or OpenAI's "reduce your prompt" 400) is "unsuccessful". */
export const azureMistralStatusPolicy: StatusPolicy = (response) => {
  const { status } = response;
  if (status === 500) return { prefix: SERVER_ERROR, retry: 'yes' };
  if (status === 503) return { prefix: SERVER_BUSY, retry: 'yes' };
  if (status > 500) return { prefix: SERVER_ERROR, retry: 'no' };
  if (status === 429) return { prefix: remainingRateLimit(response), retry: 'yes' };
  if (isContentTooLarge(response)) return { prefix: CONTENT_TOO_LARGE, retry: 'truncated' };
  if (status === 401) return { prefix: AUTHENTICATION, retry: 'no' };
  if (status >= 300 && status < 400) return { prefix: REDIRECTION, retry: 'no' };
  return { prefix: UNSUCCESSFUL, retry: 'no' };
};

/** AzureOpenAiResponseHandler: OpenAI's, with Azure's 429 wording. */
export const azureOpenAiStatusPolicy: StatusPolicy = (response) =>
  response.status === 429 ? { prefix: remainingRateLimit(response), retry: 'yes' } : openAiStatusPolicy(response);
