/** Jina AI's API (https://api.jina.ai/redoc): `POST /v1/embeddings` (`task`, `dimensions`, `embedding_type`,
 * `late_chunking`; texts, or `{"text"}`/`{"image"}` objects for multimodal models) and `POST /v1/rerank`, Bearer
 * keys, and its FastAPI error bodies `{"detail": "<text>"}`. */
import { MockProvider, sendJson, type Exchange, type JsonObject, type JsonValue, type MockRoute } from '../../support/mock-provider/mock-server';
import { embeddingFor } from '../../support/mock-provider/openai-embeddings';
import { bearerToken } from '../../support/mock-provider/openai-errors';
import { isObject } from '../../support/mock-provider/openai-routes';
import { detail, detailForStatus, fastApiWire } from '../../support/mock-provider/fastapi-errors';
import { packBits } from '../../support/mock-provider/packed-vectors';

export const JINA_API_KEY = 'jina_4f8c2b9e1d7a4e6b9c3f5a8d2e7b1c4fQx9mT2pL7sR4wZ8yB1nC6dF0hJ5gA';
const MULTIMODAL = new Set(['jina-embeddings-v4', 'jina-clip-v2', 'jina-clip-v1']);
const TASKS = ['retrieval.query', 'retrieval.passage', 'separation', 'classification', 'text-matching', 'code.query', 'code.passage'];
const defaultDimensions = (model: string) => (model === 'jina-embeddings-v4' ? 2048 : 1024);

const statusDetail = detailForStatus({
  401: 'Unauthorized: Invalid API key. Please get your free API key at https://jina.ai/?sui=apikey',
  402: 'Payment Required: your account balance is insufficient.',
  429: 'Too Many Requests: rate limit exceeded.',
});

const wire = fastApiWire(statusDetail);

function accept(exchange: Exchange): JsonObject | undefined {
  if (bearerToken(exchange.req.headers.authorization) !== JINA_API_KEY) return void sendJson(exchange.res, 401, statusDetail(401));
  const body = exchange.recorded.body;
  if (!isObject(body) || typeof body.model !== 'string') return void sendJson(exchange.res, 422, detail('Field required: model'));
  return body;
}

/** What each input is, as a hashing key: plain strings for text models, `{text}`/`{image}` objects for multimodal ones. */
function inputKeys(model: string, input: JsonValue | undefined): string[] | string {
  if (!Array.isArray(input) || input.length === 0) return "Field 'input' must be a non-empty list";
  const keys: string[] = [];
  for (const item of input) {
    if (typeof item === 'string') keys.push(`text:${item}`);
    else if (isObject(item) && typeof item.text === 'string') keys.push(`text:${item.text}`);
    else if (isObject(item) && typeof item.image === 'string' && MULTIMODAL.has(model)) keys.push(`image:${item.image}`);
    else return `Model ${model} does not accept this input: ${JSON.stringify(item).slice(0, 80)}`;
  }
  return keys;
}

function embeddingsRoute(): MockRoute {
  return {
    name: 'embeddings',
    matches: (method, path) => method === 'POST' && path === '/v1/embeddings',
    wrongShape: { model: 'jina-embeddings-v3', object: 'list', usage: { total_tokens: 1, prompt_tokens: 1 } },
    handle(exchange) {
      const body = accept(exchange);
      if (!body) return;
      const model = body.model as string;
      const keys = inputKeys(model, body.input);
      if (typeof keys === 'string') return sendJson(exchange.res, 422, detail(keys));
      const { task, dimensions, embedding_type: type = 'float' } = body;
      if (task !== undefined && !TASKS.includes(task as string)) return sendJson(exchange.res, 422, detail(`Invalid task: ${String(task)}`));
      if (model === 'jina-clip-v2' && task !== undefined && task !== 'retrieval.query') {
        return sendJson(exchange.res, 422, detail('jina-clip-v2 only supports the task retrieval.query'));
      }
      const full = defaultDimensions(model);
      if (dimensions !== undefined && (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1 || dimensions > full)) {
        return sendJson(exchange.res, 422, detail(`dimensions must be an integer between 1 and ${full}`));
      }
      if (type !== 'float' && type !== 'binary') return sendJson(exchange.res, 422, detail(`Unsupported embedding_type: ${String(type)}`));
      const length = typeof dimensions === 'number' ? dimensions : full;
      const data = keys.map((key, index) => {
        const vector = embeddingFor(`${String(task)}:${key}`, length);
        return { object: 'embedding', index, embedding: type === 'binary' ? packBits(vector) : vector };
      });
      sendJson(exchange.res, 200, { model, object: 'list', usage: { total_tokens: keys.length * 4, prompt_tokens: keys.length * 4 }, data });
    },
  };
}

function relevance(query: string, document: string): number {
  const words = new Set(query.toLowerCase().split(/\W+/).filter(Boolean));
  const held = new Set(document.toLowerCase().split(/\W+/).filter((word) => words.has(word)));
  return words.size === 0 ? 0 : (held.size / words.size) * 0.75;
}

function rerankRoute(): MockRoute {
  return {
    name: 'rerank',
    matches: (method, path) => method === 'POST' && path === '/v1/rerank',
    wrongShape: { model: 'jina-reranker-v2-base-multilingual', usage: { total_tokens: 1 } },
    handle(exchange) {
      const body = accept(exchange);
      if (!body) return;
      const { query, documents, top_n: topN, return_documents: returnDocuments = true } = body;
      if (typeof query !== 'string' || !Array.isArray(documents) || !documents.every((d) => typeof d === 'string')) {
        return sendJson(exchange.res, 422, detail("Fields 'query' and 'documents' are required"));
      }
      const results = (documents as string[])
        .map((text, index) => ({ index, ...(returnDocuments === false ? {} : { document: { text } }), relevance_score: relevance(query, text) }))
        .sort((a, b) => b.relevance_score - a.relevance_score);
      sendJson(exchange.res, 200, {
        model: body.model,
        usage: { total_tokens: 15 },
        results: typeof topN === 'number' ? results.slice(0, topN) : results,
      });
    },
  };
}

export function startMockJinaAi(): Promise<MockProvider> {
  return new MockProvider('jinaai', [embeddingsRoute(), rerankRoute()], wire).listen();
}
