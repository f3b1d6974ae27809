/** Fireworks AI's OpenAI-compatible API (https://docs.fireworks.ai/api-reference): `/inference/v1/embeddings` and
 * `/inference/v1/chat/completions`, Bearer keys, and its error body (OpenAI's, with `object: "error"` inside). */
import type { ErrorShape } from '../../support/mock-provider/openai-errors';
import { OpenAiWireMock, bearerKeys } from '../../support/mock-provider/openai-wire-mock';

export const FIREWORKS_API_KEY = 'fw_3Z8pQ1vR6tY9uW2xK5mN7bC4';

const fireworksShape: ErrorShape = (message, type, code = null, param = null) => ({ error: { object: 'error', type, code: code ?? type, message, param } });

export function startMockFireworks(): Promise<OpenAiWireMock> {
  return new OpenAiWireMock({
    name: 'fireworksai',
    routes: { embeddings: '/inference/v1/embeddings', chat: '/inference/v1/chat/completions' },
    shape: fireworksShape,
    authorize: bearerKeys([FIREWORKS_API_KEY], () => fireworksShape('The API key you provided is invalid.', 'unauthorized')),
    statusBody: (status) => (status === 404 ? fireworksShape('Model not found, inaccessible, and/or not deployed', 'invalid_request_error', 'NOT_FOUND') : undefined),
    settings: { defaultDimensions: 16 },
  }).listen();
}
