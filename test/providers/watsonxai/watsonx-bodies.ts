/** The bodies of watsonx.ai (https://cloud.ibm.com/apidocs/watsonx-ai) and of IBM Cloud IAM
 * (https://cloud.ibm.com/apidocs/iam-identity-token-api) that the mock answers with. */
import { createHash, randomBytes } from 'node:crypto';
import type { JsonObject, JsonValue } from '../../support/mock-provider/mock-server';

const trace = () => randomBytes(16).toString('hex');

/** watsonx.ai's error body: `{"errors":[{"code","message","more_info"}],"trace","status_code"}`. */
export const watsonxError = (status: number, code: string, message: string): JsonObject => ({
  errors: [{ code, message, more_info: 'https://cloud.ibm.com/apidocs/watsonx-ai' }],
  trace: trace(),
  status_code: status,
});

const WATSONX_ERRORS: Record<number, [string, string]> = {
  400: ['json_validation_error', "Json document validation error: 'inputs' is a required property"],
  401: ['authentication_token_not_valid', 'Failed to authenticate the request due to invalid token: Failed to parse and verify token'],
  403: ['authorization_rejected', 'Failed to authorize the request: the user is not a member of the project'],
  404: ['model_not_supported', "Model 'ibm/unknown' is not supported"],
  429: ['token_quota_reached', 'The rate limit of the plan was reached: 120 requests per minute'],
  500: ['internal_server_error', 'Internal server error'],
  503: ['service_unavailable', 'The service is currently unavailable'],
};

export function watsonxStatusBody(status: number): JsonObject {
  const [code, message] = WATSONX_ERRORS[status] ?? ['unexpected_error', `Unexpected status ${status}`];
  return watsonxError(status, code, message);
}

/** IAM's error body: `{"errorCode","errorMessage","context":{...}}`. */
export const iamError = (errorCode: string, errorMessage: string): JsonObject => ({
  errorCode,
  errorMessage,
  context: {
    requestId: trace(),
    requestType: 'incoming.Identity_Token',
    userAgent: 'infergate-mock',
    url: 'https://iam.cloud.ibm.com',
    instanceId: 'iamid-10.3-1234-abcdef-7d9f8b8c4-xyz12',
    threadId: trace().slice(0, 8),
    host: 'iamid-10.3-1234-abcdef-7d9f8b8c4-xyz12',
    startTime: new Date().toUTCString(),
    endTime: new Date().toUTCString(),
    elapsedTime: '12',
    locale: 'en_US',
    clusterName: 'iam-id-prod-us-south-dal13',
  },
});

const IAM_ERRORS: Record<number, [string, string]> = {
  400: ['BXNIM0415E', 'Provided API key could not be found.'],
  401: ['BXNIM0438E', 'The API key is locked or was deleted.'],
  403: ['BXNIM0513E', 'You are not authorized to use this API.'],
  500: ['BXNIM0100E', 'An internal error occurred.'],
};

export function iamStatusBody(status: number): JsonObject {
  const [code, message] = IAM_ERRORS[status] ?? ['BXNIM0100E', `Unexpected status ${status}`];
  return iamError(code, message);
}

export const iamToken = (accessToken: string, expiresIn: number): JsonObject => ({
  access_token: accessToken,
  refresh_token: 'not_supported',
  ims_user_id: 13398461,
  token_type: 'Bearer',
  expires_in: expiresIn,
  expiration: Math.floor(Date.now() / 1000) + expiresIn,
  scope: 'ibm openid',
});

/** A deterministic unit vector of `dimensions` for a text (slate-30m answers 384). */
export function vectorOf(text: string, dimensions: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest();
    for (let i = 0; i + 1 < digest.length && values.length < dimensions; i += 2) values.push(digest.readInt16LE(i) / 32768);
  }
  const norm = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0)) || 1;
  return values.map((value) => Math.round((value / norm) * 1e6) / 1e6);
}

/** A score in (0, 1): the share of the query's words the text holds, slightly spread by length. */
export function relevance(query: string, text: string): number {
  const words = new Set(query.toLowerCase().split(/\W+/).filter(Boolean));
  const found = text.toLowerCase().split(/\W+/).filter((word) => words.has(word)).length;
  return Math.round((0.05 + (0.9 * found) / Math.max(1, words.size) + 1 / (100 + text.length)) * 1e6) / 1e6;
}

/** The chat answer watsonx.ai gives (OpenAI's shape with watsonx's `model_id`, `model_version`, `created_at`). */
export function chatAnswer(model: string, reply: string, promptTokens: number): JsonObject {
  return {
    id: `chat-${trace()}`,
    model_id: model,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: reply }, finish_reason: 'stop' }],
    created: Math.floor(Date.now() / 1000),
    model_version: '3.1.0',
    created_at: new Date().toISOString(),
    usage: { completion_tokens: reply.split(' ').length, prompt_tokens: promptTokens, total_tokens: promptTokens + reply.split(' ').length },
  };
}

/** chat_stream's server-sent events: `id`, `event: message`, `data` each; a role chunk, one chunk a word, a last one
 * with `finish_reason` and `usage`. watsonx.ai sends no `[DONE]`. */
export function streamFrames(model: string, words: string[]): string[] {
  const id = `chat-${trace()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choice: JsonValue, extra: JsonObject = {}): JsonObject => ({
    id,
    model_id: model,
    model,
    choices: [choice],
    created,
    model_version: '3.1.0',
    created_at: new Date().toISOString(),
    ...extra,
  });
  const chunks = [
    chunk({ index: 0, finish_reason: null, delta: { role: 'assistant', content: '' } }),
    ...words.map((word) => chunk({ index: 0, finish_reason: null, delta: { content: word } })),
    chunk({ index: 0, finish_reason: 'stop', delta: { content: '' } }, { usage: { completion_tokens: words.length, prompt_tokens: 5, total_tokens: words.length + 5 } }),
  ];
  return chunks.map((body, i) => `id: ${i + 1}\nevent: message\ndata: ${JSON.stringify(body)}\n\n`);
}

/** An error watsonx.ai sends inside a stream. */
export const streamErrorFrame = (message: string): string =>
  `id: 99\nevent: error\ndata: ${JSON.stringify(watsonxError(500, 'internal_server_error', message))}\n\n`;
