/**
 * A real HTTP server on loopback that speaks OpenAI's wire format (embeddings, chat completions, streaming) plus an
 * OAuth2 client-credentials token endpoint, on the mock kit, with its scriptable faults.
 *
 *   const mock = await startMockOpenAi();
 *   mock.enqueueFault('embeddings', { kind: 'status', status: 429 });
 *   ... point the server under test at mock.url (INFERGATE_UPSTREAM_ORIGINS openai=...) ...
 *   await mock.close();
 */
import { randomBytes } from 'node:crypto';
import { MockProvider, sendJson, type Exchange, type JsonObject, type MockRoute } from '../../support/mock-provider/mock-server';
import { openAiChatRoute } from '../../support/mock-provider/openai-chat';
import { openAiEmbeddingsRoute } from '../../support/mock-provider/openai-embeddings';
import { bearerToken, incorrectKeyMessage, MISSING_KEY_MESSAGE, openAiErrorShape, openAiLikeWire } from '../../support/mock-provider/openai-errors';
import type { LiveSettings } from '../../support/mock-provider/openai-routes';

export type { JsonObject, JsonValue, MockFault, RecordedRequest } from '../../support/mock-provider/mock-server';
export { embeddingFor } from '../../support/mock-provider/openai-embeddings';
export { MAX_EMBEDDING_INPUTS } from '../../support/mock-provider/openai-embeddings';
export { redactApiKey } from '../../support/mock-provider/openai-errors';

export type MockEndpoint = 'embeddings' | 'chat' | 'token';

export interface MockOpenAiOptions extends Partial<LiveSettings> {
  /** Valid API keys. Default `[DEFAULT_API_KEY]`. */
  apiKeys?: string[];
  /** Accept every key (for `npm run mock:openai`). */
  acceptAnyKey?: boolean;
  /** OAuth2 client id → secret. */
  oauthClients?: Record<string, string>;
  /** `expires_in` of minted access tokens; tokens are rejected after it. Default 3600. */
  tokenExpiresInSeconds?: number;
}

export interface MockOpenAiConfig extends LiveSettings {
  apiKeys: string[];
  acceptAnyKey: boolean;
  oauthClients: Record<string, string>;
  tokenExpiresInSeconds: number;
}

export const DEFAULT_API_KEY = 'sk-test-valid-key-0123456789abcdef';
export const DEFAULT_OAUTH_CLIENT_ID = 'test-client';
export const DEFAULT_OAUTH_CLIENT_SECRET = 'test-client-secret-0123456789';

export class MockOpenAi extends MockProvider {
  /** Live settings; tests may change them (restored by `reset()`). */
  readonly config: MockOpenAiConfig;
  private readonly initial: MockOpenAiConfig;
  /** Minted access token → expiry (ms epoch). */
  private readonly tokens = new Map<string, number>();

  constructor(options: MockOpenAiOptions) {
    const initial: MockOpenAiConfig = {
      apiKeys: options.apiKeys ?? [DEFAULT_API_KEY],
      acceptAnyKey: options.acceptAnyKey ?? false,
      oauthClients: options.oauthClients ?? { [DEFAULT_OAUTH_CLIENT_ID]: DEFAULT_OAUTH_CLIENT_SECRET },
      tokenExpiresInSeconds: options.tokenExpiresInSeconds ?? 3600,
      defaultDimensions: options.defaultDimensions ?? 1536,
      shuffleEmbeddingOrder: options.shuffleEmbeddingOrder ?? true,
      chunkDelayMs: options.chunkDelayMs ?? 0,
      replyText: options.replyText,
    };
    const config = structuredClone(initial);
    // The routes call back into the mock, which exists only once super() returns.
    let self: MockOpenAi | undefined;
    const route = { authorize: (exchange: Exchange) => self!.authorize(exchange), shape: openAiErrorShape, settings: config };
    const routes: MockRoute[] = [
      openAiEmbeddingsRoute({ ...route, name: 'embeddings', path: '/v1/embeddings' }),
      openAiChatRoute({ ...route, name: 'chat', path: '/v1/chat/completions' }, () => self!),
      tokenRoute((exchange) => self!.mintToken(exchange)),
    ];
    super('openai', routes, openAiLikeWire(openAiErrorShape, ['chat']));
    self = this;
    this.initial = initial;
    this.config = config;
  }

  get embeddingsUrl(): string {
    return `${this.url}/v1/embeddings`;
  }

  get chatUrl(): string {
    return `${this.url}/v1/chat/completions`;
  }

  get tokenUrl(): string {
    return `${this.url}/oauth/token`;
  }

  override requestsTo(endpoint: MockEndpoint) {
    return super.requestsTo(endpoint);
  }

  /** Invalidate every access token minted so far (to test re-authentication). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** Also restores `config`. Minted tokens stay valid. */
  override reset(): void {
    super.reset();
    Object.assign(this.config, structuredClone(this.initial));
  }

  private authorize(exchange: Exchange) {
    const key = bearerToken(exchange.req.headers.authorization);
    if (key === undefined) return { status: 401, body: openAiErrorShape(MISSING_KEY_MESSAGE, 'invalid_request_error') };
    if (this.config.acceptAnyKey || this.config.apiKeys.includes(key)) return undefined;
    const expiresAt = this.tokens.get(key);
    if (expiresAt !== undefined && Date.now() < expiresAt) return undefined;
    return { status: 401, body: openAiErrorShape(incorrectKeyMessage(key), 'invalid_request_error', 'invalid_api_key') };
  }

  private mintToken({ req, res, recorded }: Exchange): void {
    const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };
    if (!req.headers['content-type']?.includes('application/x-www-form-urlencoded')) {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'Expected application/x-www-form-urlencoded' }, noStore);
    }
    const form = new URLSearchParams(recorded.rawBody);
    if (form.get('grant_type') !== 'client_credentials') return sendJson(res, 400, { error: 'unsupported_grant_type' }, noStore);
    const { clientId, clientSecret } = clientCredentials(form, req.headers.authorization);
    const expected = clientId !== undefined && Object.hasOwn(this.config.oauthClients, clientId) ? this.config.oauthClients[clientId] : undefined;
    if (expected === undefined || expected !== clientSecret) return sendJson(res, 401, { error: 'invalid_client' }, noStore);
    const accessToken = randomBytes(24).toString('base64url');
    this.tokens.set(accessToken, Date.now() + this.config.tokenExpiresInSeconds * 1000);
    const answer: JsonObject = { access_token: accessToken, token_type: 'Bearer', expires_in: this.config.tokenExpiresInSeconds };
    sendJson(res, 200, answer, noStore);
  }
}

/** The OAuth2 token endpoint (client-credentials grant). */
function tokenRoute(handle: (exchange: Exchange) => void): MockRoute {
  return {
    name: 'token',
    matches: (method, path) => method === 'POST' && path === '/oauth/token',
    wrongShape: { token_type: 'Bearer', expires_in: 3600 },
    handle,
  };
}

export function startMockOpenAi(options: MockOpenAiOptions = {}): Promise<MockOpenAi> {
  return new MockOpenAi(options).listen();
}

/** RFC 6749 §2.3.1: client_secret_basic (Authorization: Basic) or client_secret_post (form fields). */
function clientCredentials(form: URLSearchParams, authorization: string | undefined): { clientId?: string; clientSecret?: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
  return { clientId: form.get('client_id') ?? undefined, clientSecret: form.get('client_secret') ?? undefined };
}
