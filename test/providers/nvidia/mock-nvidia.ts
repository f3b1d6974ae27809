/** NVIDIA's API catalog (https://docs.api.nvidia.com): OpenAI-style `/v1/embeddings` (with its `input_type` and
 * `truncate`) and `/v1/chat/completions`, the reranking API `/v1/retrieval/nvidia/reranking`, Bearer `nvapi-` keys,
 * and its error bodies: `{"error": "<text>"}` strings, or problem details for auth. */
import { sendJson, type JsonObject, type JsonValue, type MockRoute } from '../../support/mock-provider/mock-server';
import type { ErrorShape } from '../../support/mock-provider/openai-errors';
import { acceptRequest } from '../../support/mock-provider/openai-routes';
import { OpenAiWireMock, bearerKeys } from '../../support/mock-provider/openai-wire-mock';

export const NVIDIA_API_KEY = 'nvapi-Qk3vX9mT2pL7sR4wZ8yB1nC6dF0hJ5gA';

const nvidiaShape: ErrorShape = (message) => ({ error: message });
const UNAUTHORIZED: JsonValue = { type: 'urn:kaizen:problem-details:unauthorized', title: 'Unauthorized', status: 401, detail: 'Authentication failed' };

/** A deterministic relevance: shared words of query and passage, as a logit around zero. */
function logit(query: string, passage: string): number {
  const words = new Set(query.toLowerCase().split(/\W+/).filter(Boolean));
  const shared = passage.toLowerCase().split(/\W+/).filter((word) => words.has(word)).length;
  return shared * 2.5 - 4;
}

function rerankRoute(mock: OpenAiWireMock): MockRoute {
  const authorize = bearerKeys([NVIDIA_API_KEY], () => UNAUTHORIZED);
  return {
    name: 'rerank',
    matches: (method, path) => method === 'POST' && path === '/v1/retrieval/nvidia/reranking',
    wrongShape: { usage: { prompt_tokens: 1, total_tokens: 1 } },
    handle(exchange) {
      const accepted = acceptRequest(exchange, { name: 'rerank', path: '', authorize, shape: nvidiaShape, settings: mock.config });
      if (!accepted) return;
      const query = (accepted.body.query as JsonObject | undefined)?.text;
      const passages = accepted.body.passages;
      if (typeof query !== 'string' || !Array.isArray(passages)) return sendJson(exchange.res, 422, { error: "Field 'query' and 'passages' are required" });
      const rankings = passages
        .map((passage, index) => ({ index, logit: logit(query, String((passage as JsonObject).text ?? '')) }))
        .sort((a, b) => b.logit - a.logit);
      sendJson(exchange.res, 200, { rankings });
    },
  };
}

export function startMockNvidia(): Promise<OpenAiWireMock> {
  return new OpenAiWireMock({
    name: 'nvidia',
    routes: { embeddings: '/v1/embeddings', chat: '/v1/chat/completions' },
    extraRoutes: (mock) => [rerankRoute(mock)],
    shape: nvidiaShape,
    authorize: bearerKeys([NVIDIA_API_KEY], () => UNAUTHORIZED),
    statusBody: (status) => (status === 401 ? UNAUTHORIZED : { error: status === 404 ? '404 page not found' : `Inference error ${status}` }),
    settings: { defaultDimensions: 2048 },
  }).listen();
}
