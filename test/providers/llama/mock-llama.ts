/** A Llama Stack server (https://llama-stack.readthedocs.io): its native `/v1/inference/embeddings`
 * (`{"model_id","contents"}` → `{"embeddings"}`), its OpenAI-compatible `/v1/openai/v1/chat/completions`, no auth,
 * and its error bodies: FastAPI's `{"detail": ...}`, and `{"error":{"message"}}` on the OpenAI routes. */
import { sendJson, type MockRoute } from '../../support/mock-provider/mock-server';
import { embeddingFor } from '../../support/mock-provider/openai-embeddings';
import type { ErrorShape } from '../../support/mock-provider/openai-errors';
import { isObject } from '../../support/mock-provider/openai-routes';
import { OpenAiWireMock } from '../../support/mock-provider/openai-wire-mock';

export const LLAMA_API_KEY = 'ls-Wq8Er5Ty2Ui9Op3As6DfGh4Jk7';

const llamaShape: ErrorShape = (message) => ({ error: { message } });

function embeddingsRoute(mock: OpenAiWireMock): MockRoute {
  return {
    name: 'embeddings',
    matches: (method, path) => method === 'POST' && path === '/v1/inference/embeddings',
    wrongShape: { metrics: [] },
    handle({ res, recorded }) {
      const body = recorded.body;
      if (!isObject(body) || typeof body.model_id !== 'string' || !Array.isArray(body.contents)) {
        return sendJson(res, 400, { detail: [{ type: 'missing', loc: ['body', 'contents'], msg: 'Field required' }] });
      }
      sendJson(res, 200, { embeddings: body.contents.map((text) => embeddingFor(String(text), mock.config.defaultDimensions)) });
    },
  };
}

export function startMockLlama(): Promise<OpenAiWireMock> {
  return new OpenAiWireMock({
    name: 'llama',
    routes: { chat: '/v1/openai/v1/chat/completions' },
    extraRoutes: (mock) => [embeddingsRoute(mock)],
    shape: llamaShape,
    authorize: () => undefined,
    statusBody: (status, exchange) =>
      exchange.recorded.route === 'chat' ? llamaShape(`${status}: Invalid value: Model 'llama3.12:3b' not found`, '') : { detail: `Error ${status}` },
    settings: { defaultDimensions: 384 },
  }).listen();
}
