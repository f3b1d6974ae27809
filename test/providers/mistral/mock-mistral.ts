/** Mistral's API (https://docs.mistral.ai/api): `/v1/embeddings` and `/v1/chat/completions` on OpenAI's wire, Bearer
 * keys, and its own error bodies — `{"message": ...}` for auth and rate limits, `{"detail": ...}` for unknown
 * paths, `{"object":"error", ...}` otherwise, and a 422 whose `message` holds validation `detail`s. */
import type { JsonValue } from '../../support/mock-provider/mock-server';
import type { ErrorShape } from '../../support/mock-provider/openai-errors';
import { OpenAiWireMock, bearerKeys } from '../../support/mock-provider/openai-wire-mock';

export const MISTRAL_API_KEY = 'Xq7Lm2Pz9Rk4Tw8Vb3Nc6Hd1Jf5Gs0Ya';

const objectError: ErrorShape = (message, type, code = null, param = null) => ({ object: 'error', message, type, param, code: code === null ? null : String(code) });

export const MISTRAL_ERRORS: Record<number, JsonValue> = {
  400: objectError('Invalid model: mistral-small-l2atest', 'invalid_model', '1500'),
  401: { message: 'Unauthorized', request_id: 'a580d263fb1521778782b22104efb415' },
  404: { detail: 'Not Found' },
  422: {
    object: 'error',
    message: { detail: [{ type: 'greater_than_equal', loc: ['body', 'max_tokens'], msg: 'Input should be greater than or equal to 0', input: -1, ctx: { ge: 0 } }] },
    type: 'invalid_request_error',
    param: null,
    code: null,
  },
  429: { message: 'Requests rate limit exceeded' },
  500: objectError('Internal server error', 'internal_server_error', '3000'),
};

export function startMockMistral(): Promise<OpenAiWireMock> {
  return new OpenAiWireMock({
    name: 'mistral',
    routes: { embeddings: '/v1/embeddings', chat: '/v1/chat/completions' },
    shape: objectError,
    authorize: bearerKeys([MISTRAL_API_KEY], () => MISTRAL_ERRORS[401]),
    statusBody: (status) => MISTRAL_ERRORS[status] ?? objectError(`Service error ${status}`, 'api_error', String(status)),
    settings: { defaultDimensions: 1024 },
  }).listen();
}
