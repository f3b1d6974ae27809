/** A mock of a provider on OpenAI's wire: its embeddings and chat routes at its own paths, its own auth and error
 * bodies, and any routes of its own (rerank). Each such service's mock is a call of this with its differences. */
import { MockProvider, type Exchange, type JsonValue, type MockRoute, type MockWire } from './mock-server';
import { openAiChatRoute } from './openai-chat';
import { openAiEmbeddingsRoute } from './openai-embeddings';
import { bearerToken, openAiErrorShape, openAiLikeWire, type ErrorShape } from './openai-errors';
import type { LiveSettings, OpenAiRouteOptions } from './openai-routes';

type Refusal = { status: number; body: JsonValue } | undefined;

export interface OpenAiWireMockOptions {
  name: string;
  /** Where its embeddings and chat routes listen (a path, or a test of the path). */
  routes: { embeddings?: OpenAiRouteOptions['path']; chat?: OpenAiRouteOptions['path'] };
  /** Routes of its own, e.g. rerank. */
  extraRoutes?: (mock: OpenAiWireMock) => MockRoute[];
  authorize(exchange: Exchange): Refusal;
  /** Its error body shape (default OpenAI's `{"error":{...}}`). */
  shape?: ErrorShape;
  /** Its own bodies for error statuses, where they differ from OpenAI's messages in its shape. */
  statusBody?(status: number, exchange: Exchange): JsonValue | undefined;
  /** Its headers on an error status, where they differ from OpenAI's (`x-ratelimit-*` limits on a 429). */
  errorHeaders?(status: number): Record<string, string>;
  settings?: Partial<LiveSettings>;
  defaultModel?: (exchange: Exchange) => string;
}

export class OpenAiWireMock extends MockProvider {
  /** Live settings; tests may change them (restored by `reset()`). */
  readonly config: LiveSettings;
  private readonly initial: LiveSettings;

  constructor(options: OpenAiWireMockOptions) {
    const shape = options.shape ?? openAiErrorShape;
    const initial: LiveSettings = { defaultDimensions: 8, shuffleEmbeddingOrder: true, chunkDelayMs: 0, replyText: undefined, ...options.settings };
    const config = { ...initial };
    let self: OpenAiWireMock | undefined;
    const base = { authorize: options.authorize, shape, settings: config, defaultModel: options.defaultModel };
    const routes: MockRoute[] = [];
    if (options.routes.embeddings) routes.push(openAiEmbeddingsRoute({ ...base, name: 'embeddings', path: options.routes.embeddings }));
    if (options.routes.chat) routes.push(openAiChatRoute({ ...base, name: 'chat', path: options.routes.chat }, () => self!));
    const wire = openAiLikeWire(shape, ['chat']);
    const ownWire: MockWire = {
      ...wire,
      errorBody: (status, exchange) => options.statusBody?.(status, exchange) ?? wire.errorBody(status, exchange),
      errorHeaders: options.errorHeaders ?? wire.errorHeaders,
    };
    // The mock keeps this array: its own routes join once the mock exists.
    super(options.name, routes, ownWire);
    self = this;
    routes.push(...(options.extraRoutes?.(this) ?? []));
    this.initial = initial;
    this.config = config;
  }

  override reset(): void {
    super.reset();
    Object.assign(this.config, this.initial);
  }
}

/** Refuses a request without `Authorization: Bearer <one of keys>`, with the provider's 401 body. */
export function bearerKeys(keys: readonly string[], refusal: (key: string | undefined) => JsonValue) {
  return (exchange: Exchange): Refusal => {
    const key = bearerToken(exchange.req.headers.authorization);
    return key !== undefined && keys.includes(key) ? undefined : { status: 401, body: refusal(key) };
  };
}
