/** Cohere's API (https://docs.cohere.com/reference) at `/v1|v2/embed`, `/rerank` and `/chat`: Bearer keys, its
 * `{"message"}` error bodies, its limit of 96 texts an embed call, V2's required `model` and `input_type`, and its
 * streams (V1 one JSON event a line, V2 server-sent events). */
import { MockProvider, sendJson, type Exchange, type JsonObject, type JsonValue, type MockRoute, type MockWire } from '../../support/mock-provider/mock-server';
import { bearerToken } from '../../support/mock-provider/openai-errors';
import { chatAnswer, embedAnswer, embeddingsOf, relevance, streamErrorFrame, streamFrames, type Version } from './cohere-bodies';

export const COHERE_API_KEY = 'co-Zt8Wq2Lm5Xv9Rb3Nk7Jh1Pd4Fg6Sy0Ca';

const MAX_TEXTS = 96;
const STATUS_MESSAGES: Record<number, string> = {
  400: 'invalid request: the request could not be processed',
  401: 'invalid api token',
  404: 'model not found, make sure the correct model ID was used and that you have access to the model.',
  429: "You are using a Trial key, which is limited to 40 API calls / minute. You can continue to use the Trial key for free or upgrade to a Production key with higher rate limits at 'https://dashboard.cohere.com/api-keys'.",
  500: 'internal server error, this has been reported to our developers',
};

const message = (text: string): JsonObject => ({ message: text });
const isObject = (value: JsonValue | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const strings = (value: JsonValue | undefined): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

export class MockCohere extends MockProvider {
  /** Length of float vectors (1024 as embed-english-v3.0); tests may change it (restored by `reset()`). */
  dimensions = 1024;
  /** Rank every document whatever `top_n` asks (restored by `reset()`). */
  ignoreTopN = false;

  override reset(): void {
    super.reset();
    this.dimensions = 1024;
    this.ignoreTopN = false;
  }
}

/** Auth and a JSON object body; answers the refusal itself. */
function accept(exchange: Exchange): JsonObject | undefined {
  if (bearerToken(exchange.req.headers.authorization) !== COHERE_API_KEY) return void sendJson(exchange.res, 401, message(STATUS_MESSAGES[401]));
  const body = exchange.recorded.body;
  if (!isObject(body)) return void sendJson(exchange.res, 400, message('invalid request: could not parse the request body as JSON'));
  return body;
}

const versionOf = (path: string): Version => (path.startsWith('/v1/') ? 'v1' : 'v2');
const route = (name: string, path: string, handle: (exchange: Exchange, body: JsonObject, version: Version) => void | Promise<void>, extra: Partial<MockRoute> = {}): MockRoute => ({
  name,
  matches: (method, actual) => method === 'POST' && (actual === `/v1/${path}` || actual === `/v2/${path}`),
  wrongShape: { id: 'abc', meta: { api_version: { version: '2' } } },
  handle(exchange) {
    const body = accept(exchange);
    if (body) return handle(exchange, body, versionOf(exchange.recorded.path));
  },
  ...extra,
});

function embedRoute(mock: MockCohere): MockRoute {
  return route('embed', 'embed', (exchange, body, version) => {
    const { texts, model, input_type: inputType, embedding_types: types } = body;
    if (!strings(texts)) return sendJson(exchange.res, 400, message('invalid request: texts must be a list of strings'));
    if (texts.length > MAX_TEXTS) return sendJson(exchange.res, 400, message(`invalid request: total number of texts must be at most ${MAX_TEXTS} - received ${texts.length}`));
    if (version === 'v2' && typeof model !== 'string') return sendJson(exchange.res, 400, message('invalid request: model must be specified'));
    if (version === 'v2' && typeof inputType !== 'string') return sendJson(exchange.res, 400, message('invalid request: input_type is required for embed-v3 models'));
    if (types !== undefined && !strings(types)) return sendJson(exchange.res, 400, message('invalid request: embedding_types must be a list of strings'));
    const wanted = types ?? (version === 'v2' ? ['float'] : undefined);
    sendJson(exchange.res, 200, embedAnswer(version, texts, embeddingsOf(texts, wanted, mock.dimensions), wanted));
  });
}

const rerankRoute = (mock: MockCohere): MockRoute =>
  route('rerank', 'rerank', (exchange, body, version) => {
    const { query, documents, top_n: topN, return_documents: returnDocuments } = body;
    if (typeof query !== 'string' || !strings(documents)) return sendJson(exchange.res, 400, message('invalid request: query and documents are required'));
    if (version === 'v2' && typeof body.model !== 'string') return sendJson(exchange.res, 400, message('invalid request: model must be specified'));
    const ranked = documents
      .map((text, index) => ({ index, relevance_score: relevance(query, text), ...(returnDocuments === true ? { document: { text } } : {}) }))
      .sort((a, b) => b.relevance_score - a.relevance_score);
    const results = typeof topN === 'number' && !mock.ignoreTopN ? ranked.slice(0, topN) : ranked;
    sendJson(exchange.res, 200, { id: 'rerank-1', results, meta: { api_version: { version: version === 'v1' ? '1' : '2' }, billed_units: { search_units: 1 } } });
  });

function chatRoute(mock: MockCohere): MockRoute {
  return route(
    'chat',
    'chat',
    (exchange, body, version) => {
      const messages = body.messages;
      const said = version === 'v1' ? body.message : Array.isArray(messages) && isObject(messages[0]) ? messages[0].content : undefined;
      if (typeof said !== 'string') return sendJson(exchange.res, 400, message('invalid request: message must be a string'));
      if (version === 'v2' && typeof body.model !== 'string') return sendJson(exchange.res, 400, message('invalid request: model must be specified'));
      const reply = `Echo: ${said}`;
      if (body.stream !== true) return sendJson(exchange.res, 200, chatAnswer(version, said, reply));
      const { frames, before } = streamFrames(version, reply.split(/(?<= )/));
      const contentType = version === 'v1' ? 'application/stream+json' : 'text/event-stream';
      return mock.writeStream(exchange, frames, { contentType, keptByFault: (chunks) => before + chunks });
    },
    { takesSteps: true },
  );
}

const wire: MockWire = {
  errorBody: (status) => message(STATUS_MESSAGES[status] ?? `status ${status}`),
  streamErrorFrame,
  unknownRoute: (method, path) => ({ status: 404, body: message(`${method} ${path} not found`) }),
};

export function startMockCohere(): Promise<MockCohere> {
  const routes: MockRoute[] = [];
  const mock = new MockCohere('cohere', routes, wire);
  routes.push(embedRoute(mock), rerankRoute(mock), chatRoute(mock));
  return mock.listen();
}
