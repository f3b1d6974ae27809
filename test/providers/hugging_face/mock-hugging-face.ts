/** A Hugging Face Inference Endpoint (https://huggingface.co/docs/inference-endpoints) serving Text Embeddings
 * Inference or TGI: `{"inputs":[..]}` at the endpoint's root for embeddings (an array of vectors, or
 * `{"embeddings":[..]}` for some models) or for ELSER (`[{token: weight}]`), TEI's `/rerank` (`[{index, score,
 * text?}]`, by score, all of them), TGI's OpenAI-compatible `/v1/chat/completions`, `hf_` Bearer tokens, and
 * `{"error": "<text>"}` error bodies. */
import { sendJson, type Exchange, type JsonObject, type JsonValue, type MockRoute } from '../../support/mock-provider/mock-server';
import { embeddingFor } from '../../support/mock-provider/openai-embeddings';
import type { ErrorShape } from '../../support/mock-provider/openai-errors';
import { OpenAiWireMock, bearerKeys } from '../../support/mock-provider/openai-wire-mock';

export const HUGGING_FACE_TOKEN = 'hf_Zq8LmT3vXk9RbN2wPj5YsC7dGf4Ha1Ue';

const hfShape: ErrorShape = (message) => ({ error: message });
const UNAUTHORIZED: JsonValue = { error: 'Authorization header is correct, but the token seems invalid' };
const authorize = bearerKeys([HUGGING_FACE_TOKEN], () => UNAUTHORIZED);

const words = (text: string) => text.toLowerCase().split(/\W+/).filter(Boolean);

/** The checks TEI makes first: the token, then `inputs` a string or an array of strings. */
function acceptedInputs(exchange: Exchange): string[] | undefined {
  const refusal = authorize(exchange);
  if (refusal) return void sendJson(exchange.res, refusal.status, refusal.body);
  const body = exchange.recorded.body as JsonObject | undefined;
  const inputs = body?.inputs;
  if (typeof inputs === 'string') return [inputs];
  if (Array.isArray(inputs) && inputs.every((input) => typeof input === 'string')) return inputs as string[];
  sendJson(exchange.res, 422, { error: 'Input validation error: `inputs` must be a string or an array of strings', error_type: 'Validation' });
  return undefined;
}

export class MockHuggingFace extends OpenAiWireMock {
  /** Answer embeddings as `{"embeddings": [..]}` (as some models do) instead of a bare array (reset by `reset()`). */
  embeddingsAsObject = false;

  override reset(): void {
    super.reset();
    this.embeddingsAsObject = false;
  }
}

function embeddingsRoute(mock: MockHuggingFace): MockRoute {
  return {
    name: 'embeddings',
    matches: (method, path) => method === 'POST' && (path === '/' || path === '/embed'),
    wrongShape: { vectors: [] },
    handle(exchange) {
      const inputs = acceptedInputs(exchange);
      if (!inputs) return;
      const vectors = inputs.map((input) => embeddingFor(input, mock.config.defaultDimensions));
      sendJson(exchange.res, 200, mock.embeddingsAsObject ? { embeddings: vectors } : vectors);
    },
  };
}

/** A deterministic relevance: the share of the query's words found in the text, minus a little. */
function score(query: string, text: string): number {
  const found = new Set(words(text));
  const asked = words(query);
  return asked.filter((word) => found.has(word)).length / Math.max(1, asked.length) - 0.05;
}

function rerankRoute(): MockRoute {
  return {
    name: 'rerank',
    matches: (method, path) => method === 'POST' && path === '/rerank',
    wrongShape: { results: [] },
    handle(exchange) {
      const refusal = authorize(exchange);
      if (refusal) return sendJson(exchange.res, refusal.status, refusal.body);
      const body = exchange.recorded.body as JsonObject | undefined;
      const { query, texts, return_text: returnText } = body ?? {};
      if (typeof query !== 'string' || !Array.isArray(texts)) return sendJson(exchange.res, 422, { error: 'Input validation error: `query` and `texts` are required', error_type: 'Validation' });
      const ranked = texts
        .map((text, index) => ({ index, score: score(query, String(text)), ...(returnText === true ? { text: String(text) } : {}) }))
        .sort((a, b) => b.score - a.score);
      sendJson(exchange.res, 200, ranked);
    },
  };
}

function elserRoute(): MockRoute {
  return {
    name: 'elser',
    matches: (method, path) => method === 'POST' && path === '/',
    wrongShape: { the: 0.5 },
    handle(exchange) {
      const inputs = acceptedInputs(exchange);
      if (!inputs) return;
      const expansions = inputs.map((input) => Object.fromEntries(words(input).map((word, i) => [word, Math.fround(1 / (i + 1))])));
      sendJson(exchange.res, 200, expansions);
    },
  };
}

const statusBody = (status: number): JsonValue =>
  status === 401 ? UNAUTHORIZED : { error: status === 503 ? 'Service Unavailable' : status === 404 ? 'Not Found' : `Error ${status}` };

/** An endpoint serving an embedding model (root and TEI's `/embed`), a reranker and a chat model. */
export function startMockHuggingFace(): Promise<MockHuggingFace> {
  return new MockHuggingFace({
    name: 'hugging_face',
    routes: { chat: '/v1/chat/completions' },
    extraRoutes: (mock) => [embeddingsRoute(mock as MockHuggingFace), rerankRoute()],
    shape: hfShape,
    authorize,
    statusBody,
    defaultModel: () => 'tgi',
    settings: { defaultDimensions: 384 },
  }).listen();
}

/** An endpoint serving ELSER at its root. */
export function startMockHuggingFaceElser(): Promise<OpenAiWireMock> {
  return new OpenAiWireMock({ name: 'hugging_face_elser', routes: {}, extraRoutes: () => [elserRoute()], shape: hfShape, authorize, statusBody }).listen();
}
