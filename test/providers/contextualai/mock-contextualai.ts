/** Contextual AI's rerank API (https://docs.contextual.ai/api-reference/rerank/rerank): `POST /v1/rerank` with
 * `{"query","documents","model","top_n"?,"instruction"?}`, Bearer keys, `{"results":[{index, relevance_score}]}` by
 * relevance, and FastAPI's error bodies (`{"detail": "<text>"}`, a list of problems on a 422). */
import { MockProvider, sendJson, type Exchange, type JsonObject, type JsonValue, type MockRoute } from '../../support/mock-provider/mock-server';

export const CONTEXTUAL_AI_KEY = 'key-Vf3Lq8Wz1Rt6Yp9Ks2Dm7Hn4Bc0Xj5Ga';

const isObject = (value: JsonValue | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A deterministic relevance in [0, 1]: the share of the query's words the document has (the instruction, if any,
 * tips ties toward shorter documents so that a test can see it arrived). */
function relevance(query: string, document: string, instruction: unknown): number {
  const words = new Set(query.toLowerCase().split(/\W+/).filter(Boolean));
  const found = new Set(document.toLowerCase().split(/\W+/).filter((word) => words.has(word))).size;
  const base = words.size === 0 ? 0 : found / words.size;
  return Math.fround(typeof instruction === 'string' ? base * 0.9 + 0.1 / (1 + document.length) : base * 0.9);
}

function rerank(exchange: Exchange): void {
  const { recorded, res, req } = exchange;
  if (req.headers.authorization !== `Bearer ${CONTEXTUAL_AI_KEY}`) return sendJson(res, 401, { detail: 'Invalid API key' });
  const body = recorded.body;
  if (!isObject(body) || typeof body.query !== 'string' || typeof body.model !== 'string' || !Array.isArray(body.documents)) {
    return sendJson(res, 422, { detail: [{ loc: ['body'], msg: 'Field required', type: 'missing' }] });
  }
  const { query, documents, top_n: topN, instruction } = body;
  const results = documents
    .map((document, index) => ({ index, relevance_score: relevance(query, String(document), instruction) }))
    .sort((a, b) => b.relevance_score - a.relevance_score)
    .slice(0, typeof topN === 'number' ? topN : documents.length);
  sendJson(res, 200, { results });
}

const route: MockRoute = {
  name: 'rerank',
  matches: (method, path) => method === 'POST' && path === '/v1/rerank',
  wrongShape: { data: [] },
  handle: rerank,
};

export function startMockContextualAi(): Promise<MockProvider> {
  return new MockProvider('contextualai', [route], {
    errorBody: (status) => ({ detail: status === 401 ? 'Invalid API key' : status === 404 ? 'Not Found' : `Error ${status}` }),
    streamErrorFrame: () => '',
    unknownRoute: () => ({ status: 404, body: { detail: 'Not Found' } }),
  }).listen();
}
