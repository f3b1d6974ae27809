/** A small generic JSON API for the custom service's tests: embeddings, sparse embeddings, rerank and completion
 * routes that take Bearer keys, record every request, answer deterministic results and `{"error": {"message"}}`
 * errors. Each route's answer can be replaced (`answerWith`) to try hostile or oddly shaped answers. */
import { MockProvider, sendJson, type Exchange, type JsonObject, type JsonValue, type MockRoute } from '../../support/mock-provider/mock-server';

export const CUSTOM_API_KEY = 'cst-Zr8Qm2Lk5Vt9Xw3Np6Hb1Jd4Fg7Sa0Ye';
export const PATHS = { embeddings: '/v1/embeddings', sparse: '/v1/sparse', rerank: '/v1/rerank', completion: '/v1/complete' } as const;
export type CustomRoute = keyof typeof PATHS;

const errorBody = (message: string): JsonValue => ({ error: { message } });

/** A deterministic vector of the text. */
export function vectorOf(text: string, dimensions = 4): number[] {
  return Array.from({ length: dimensions }, (_, i) => Number((((text.length + 1) * (i + 3)) % 97) / 97).toFixed(4)).map(Number);
}

const words = (text: string) => text.toLowerCase().split(/\W+/).filter(Boolean);
const overlap = (query: string, text: string) => {
  const wanted = new Set(words(query));
  return words(text).filter((word) => wanted.has(word)).length / 10;
};

export class MockCustom extends MockProvider {
  /** Replacement answers per route (cleared by `reset()`). */
  readonly overrides = new Map<CustomRoute, (body: JsonObject) => { status: number; body: JsonValue | string }>();

  answerWith(route: CustomRoute, answer: (body: JsonObject) => { status: number; body: JsonValue | string }): void {
    this.overrides.set(route, answer);
  }

  override reset(): void {
    super.reset();
    this.overrides?.clear();
  }
}

function route(mock: () => MockCustom, name: CustomRoute, answer: (body: JsonObject) => JsonValue): MockRoute {
  return {
    name,
    matches: (method, path) => method === 'POST' && path === PATHS[name],
    wrongShape: { unexpected: true },
    handle(exchange: Exchange) {
      const auth = exchange.req.headers.authorization;
      if (auth !== `Bearer ${CUSTOM_API_KEY}`) return sendJson(exchange.res, 401, errorBody('invalid api key'));
      const body = exchange.recorded.body;
      if (!body || typeof body !== 'object' || Array.isArray(body)) return sendJson(exchange.res, 400, errorBody('body must be a JSON object'));
      const override = mock().overrides.get(name);
      if (override) {
        const { status, body: replacement } = override(body);
        if (typeof replacement === 'string') {
          exchange.res.writeHead(status, { 'content-type': 'application/json' });
          return void exchange.res.end(replacement);
        }
        return sendJson(exchange.res, status, replacement);
      }
      sendJson(exchange.res, 200, answer(body));
    },
  };
}

const strings = (value: JsonValue | undefined): string[] => (Array.isArray(value) ? value.map(String) : []);

export function startMockCustom(): Promise<MockCustom> {
  let self: MockCustom | undefined;
  const get = () => self!;
  const routes: MockRoute[] = [
    route(get, 'embeddings', (body) => ({ data: strings(body.input).map((text, index) => ({ index, embedding: vectorOf(text) })) })),
    route(get, 'sparse', (body) => ({
      result: { sparse: strings(body.texts).map((text) => ({ tokens: words(text).map((word) => ({ id: word, weight: word.length / 10 })) })) },
    })),
    route(get, 'rerank', (body) => {
      const query = String(body.query ?? '');
      const scored = strings(body.documents).map((text, index) => ({ index, relevance_score: overlap(query, text) }));
      scored.sort((a, b) => b.relevance_score - a.relevance_score);
      const topN = typeof body.top_n === 'number' ? body.top_n : scored.length;
      return { results: scored.slice(0, topN) };
    }),
    route(get, 'completion', (body) => ({ choices: [{ text: `Echo: ${String(body.prompt)}` }] })),
  ];
  self = new MockCustom('custom', routes, {
    errorBody: (status) => errorBody(status === 429 ? 'rate limited' : `upstream error ${status}`),
    streamErrorFrame: (message) => `data: ${JSON.stringify(errorBody(message))}\n\n`,
    unknownRoute: (method, path) => ({ status: 404, body: errorBody(`no route ${method} ${path}`) }),
  });
  return self.listen();
}
