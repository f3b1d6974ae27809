/** A model served on OpenShift AI by vLLM (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html):
 * OpenAI's `/v1/embeddings` and `/v1/chat/completions`, Cohere's `/v1/rerank`, Bearer tokens, and vLLM's error body
 * `{"object":"error","message","type","param","code"}`. */
import { sendJson, type JsonObject, type MockRoute } from '../../support/mock-provider/mock-server';
import { embeddingFor } from '../../support/mock-provider/openai-embeddings';
import type { ErrorShape } from '../../support/mock-provider/openai-errors';
import { acceptRequest } from '../../support/mock-provider/openai-routes';
import { OpenAiWireMock, bearerKeys } from '../../support/mock-provider/openai-wire-mock';

export const OPENSHIFT_AI_TOKEN = 'sha256~Jk2Qp9Xr4Tn7Wm1Vb6Zc3Hd8Fs5Ly0Ga';

const vllmShape: ErrorShape = (message, type, code = null, param = null) => ({ object: 'error', message, type, param, code });

const dot = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * b[i], 0);

/** vLLM's Cohere-compatible rerank: results by relevance, documents when asked (they are by default). */
function rerankRoute(mock: OpenAiWireMock): MockRoute {
  const options = { name: 'rerank', path: '/v1/rerank', authorize: bearerKeys([OPENSHIFT_AI_TOKEN], () => vllmShape('Unauthorized', 'Unauthorized', 401)), shape: vllmShape, settings: mock.config, defaultModel: () => 'served-model' };
  return {
    name: 'rerank',
    matches: (method, path) => method === 'POST' && path === '/v1/rerank',
    wrongShape: { id: 'rerank-1', model: 'served-model' },
    handle(exchange) {
      const accepted = acceptRequest(exchange, options);
      if (!accepted) return;
      const { query, documents, top_n: topN, return_documents: returnDocuments } = accepted.body;
      if (typeof query !== 'string' || !Array.isArray(documents)) return sendJson(exchange.res, 400, vllmShape('query and documents are required', 'BadRequestError', 400));
      const q = embeddingFor(query, 16);
      const results = documents
        .map((document, index) => ({ index, relevance_score: Math.fround(dot(q, embeddingFor(String(document), 16))), document: { text: String(document) } }))
        .sort((a, b) => b.relevance_score - a.relevance_score)
        .slice(0, typeof topN === 'number' ? topN : documents.length)
        .map((result): JsonObject => (returnDocuments === false ? { index: result.index, relevance_score: result.relevance_score } : result));
      sendJson(exchange.res, 200, { id: 'rerank-1', model: accepted.model, usage: { total_tokens: 10 }, results });
    },
  };
}

export function startMockOpenShiftAi(): Promise<OpenAiWireMock> {
  return new OpenAiWireMock({
    name: 'openshift_ai',
    routes: { embeddings: '/v1/embeddings', chat: '/v1/chat/completions' },
    extraRoutes: (mock) => [rerankRoute(mock)],
    shape: vllmShape,
    authorize: bearerKeys([OPENSHIFT_AI_TOKEN], () => vllmShape('Unauthorized', 'Unauthorized', 401)),
    statusBody: (status) => vllmShape(status === 404 ? 'The model `gritlm-7b` does not exist.' : `Error ${status}`, status === 404 ? 'NotFoundError' : 'BadRequestError', status),
    defaultModel: () => 'served-model',
    settings: { defaultDimensions: 32 },
  }).listen();
}
