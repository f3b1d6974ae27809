/** OpenAI's error bodies (https://platform.openai.com/docs/guides/error-codes), which the services on its wire
 * copy, and the default body of each error status. */
import type { Exchange, JsonObject, JsonValue, MockWire } from './mock-server';

export type ErrorShape = (message: string, type: string, code?: string | number | null, param?: string | null) => JsonValue;

export const openAiErrorShape: ErrorShape = (message, type, code = null, param = null) => ({ error: { message, type, param, code } });

/** How OpenAI quotes a wrong key: first 8 characters, `*`s, last 4 (short keys in full). */
export function redactApiKey(key: string): string {
  if (key.length <= 12) return key;
  return key.slice(0, 8) + '*'.repeat(key.length - 12) + key.slice(-4);
}

export const MISSING_KEY_MESSAGE =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
  '(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you\'re accessing the ' +
  'API from your browser and are prompted for a username and password. You can obtain an API key from ' +
  'https://platform.openai.com/account/api-keys.';

export const INVALID_JSON_MESSAGE =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library " +
  'correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble ' +
  'figuring out how to fix this, please contact us through our help center at help.openai.com.)';

export const incorrectKeyMessage = (key: string) =>
  `Incorrect API key provided: ${redactApiKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`;

export const RATE_LIMIT_HEADERS: Record<string, string> = {
  'x-ratelimit-limit-requests': '3',
  'x-ratelimit-remaining-requests': '0',
  'x-ratelimit-limit-tokens': '40000',
  'x-ratelimit-remaining-tokens': '39990',
  'x-ratelimit-reset-requests': '20ms',
  'x-ratelimit-reset-tokens': '15ms',
};

export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

const modelOf = (exchange: Exchange): string => {
  const body = exchange.recorded.body as JsonObject | undefined;
  return body && typeof body === 'object' && typeof body.model === 'string' ? body.model : 'gpt-4o-mini';
};

/** The body OpenAI answers each error status with; `chat` says whether the request was a chat completion. */
export function openAiStatusBody(status: number, exchange: Exchange, shape: ErrorShape, chat: boolean): JsonValue {
  const model = modelOf(exchange);
  switch (status) {
    case 400:
      return chat
        ? shape(
            "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. Please reduce the length of the messages.",
            'invalid_request_error',
            'context_length_exceeded',
            'messages',
          )
        : shape("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'invalid_request_error');
    case 401: {
      const key = bearerToken(exchange.req.headers.authorization);
      return key === undefined ? shape(MISSING_KEY_MESSAGE, 'invalid_request_error') : shape(incorrectKeyMessage(key), 'invalid_request_error', 'invalid_api_key');
    }
    case 403:
      return shape('Country, region, or territory not supported', 'request_forbidden', 'unsupported_country_region_territory');
    case 404:
      return shape(`The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found');
    case 429:
      return shape(
        `Rate limit reached for ${model} in organization org-mock on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20ms. Visit https://platform.openai.com/account/rate-limits to learn more.`,
        'requests',
        'rate_limit_exceeded',
      );
    case 502:
      return shape('Bad gateway.', 'cf_bad_gateway', 502);
    case 503:
      return shape('The engine is currently overloaded, please try again later', 'server_error');
    default:
      return status >= 500
        ? shape('The server had an error while processing your request. Sorry about that!', 'server_error')
        : shape(`Request failed with status ${status}.`, 'invalid_request_error');
  }
}

/** `data: {...}\n\n` (OpenAI's framing: data lines only). */
export const sseFrame = (data: JsonValue | '[DONE]'): string => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/** A wire in OpenAI's image: its error bodies (in `shape`), its 429 headers, its in-stream error frame. */
export function openAiLikeWire(shape: ErrorShape, chatRoutes: readonly string[]): MockWire {
  return {
    errorBody: (status, exchange) => openAiStatusBody(status, exchange, shape, chatRoutes.includes(exchange.recorded.route ?? '')),
    errorHeaders: (status) => (status === 429 ? RATE_LIMIT_HEADERS : {}),
    streamErrorFrame: (message) => sseFrame(shape(message, 'server_error')),
    unknownRoute: (method, path) => ({ status: 404, body: shape(`Invalid URL (${method} ${path})`, 'invalid_request_error') }),
  };
}
