/**
 * Google's wire on loopback: the OAuth2 token endpoint (`/token`, the `google-oauth` origin) that checks the signed
 * JWT of the bearer grant and issues access tokens; Vertex AI's publisher-model `:predict`, `:generateContent` and
 * `:streamGenerateContent?alt=sse`; and the Discovery Engine `:rank` — each refusing any bearer token but one it
 * issued, with Google's error bodies `{"error":{"code","message","status"}}`. Model Garden endpoints
 * (`.../endpoints/<id>/chat/completions`) speak OpenAI's chat wire, Claude's (mock-anthropic.ts) Anthropic's.
 */
import { createHash } from 'node:crypto';
import { MockProvider, randomId, sendJson, type Exchange, type JsonObject, type JsonValue, type MockRoute, type MockWire } from '../../support/mock-provider/mock-server';
import { openAiChatRoute } from '../../support/mock-provider/openai-chat';
import { anthropicRoute } from './mock-anthropic';
import { openAiErrorShape } from '../../support/mock-provider/openai-errors';
import type { LiveSettings } from '../../support/mock-provider/openai-routes';
import { checkAssertion, makeServiceAccount, TOKEN_URI, type TestServiceAccount } from './service-accounts';

export const SERVICE_ACCOUNT: TestServiceAccount = makeServiceAccount();
export const MODEL_VERSION = 'gemini-2.5-flash';

const STATUS: Record<number, [string, string]> = {
  400: ['INVALID_ARGUMENT', 'Request contains an invalid argument.'],
  401: ['UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.'],
  403: ['PERMISSION_DENIED', "Permission 'aiplatform.endpoints.predict' denied on resource (or it may not exist)."],
  404: ['NOT_FOUND', 'Publisher Model was not found or your project does not have access to it.'],
  429: ['RESOURCE_EXHAUSTED', 'Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model.'],
  500: ['INTERNAL', 'Internal error encountered.'],
  503: ['UNAVAILABLE', 'The service is currently unavailable.'],
};

export function googleError(code: number, message?: string): JsonObject {
  const [status, text] = STATUS[code] ?? (code >= 500 ? ['UNKNOWN', 'Unknown error.'] : ['FAILED_PRECONDITION', 'Precondition check failed.']);
  return { error: { code, message: message ?? text, status } };
}

const OAUTH_ERRORS: Record<number, JsonObject> = {
  400: { error: 'invalid_grant', error_description: 'Invalid grant: account not found' },
  401: { error: 'invalid_client', error_description: 'The OAuth client was not found.' },
};

const isObject = (value: JsonValue | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export class MockGoogleVertexAi extends MockProvider {
  /** Length of the vectors when no outputDimensionality is asked (768, as text-embedding-005). */
  dimensions = 768;
  /** Lifetime of issued tokens (seconds). */
  expiresIn = 3599;
  /** The key the token endpoint accepts assertions of. */
  account: TestServiceAccount = SERVICE_ACCOUNT;
  readonly issued = new Set<string>();

  override reset(): void {
    super.reset();
    this.dimensions = 768;
    this.expiresIn = 3599;
    this.account = SERVICE_ACCOUNT;
  }

  /** Every issued token stops being accepted (as when Google revokes them). */
  revokeTokens(): void {
    this.issued.clear();
  }
}

function tokenRoute(self: () => MockGoogleVertexAi): MockRoute {
  return {
    name: 'token',
    matches: (method, path) => method === 'POST' && path === '/token',
    wrongShape: { token_type: 'Bearer' },
    handle({ res, recorded, req }) {
      const mock = self();
      const form = isObject(recorded.body) ? recorded.body : {};
      if (!req.headers['content-type']?.includes('application/x-www-form-urlencoded')) {
        return sendJson(res, 400, { error: 'invalid_request', error_description: 'Bad Request' });
      }
      if (form.grant_type !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
        return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${String(form.grant_type ?? '')}` });
      }
      const refusal = checkAssertion(String(form.assertion ?? ''), mock.account, TOKEN_URI);
      if (refusal) return sendJson(res, 400, refusal as unknown as JsonObject);
      const token = `ya29.${randomId(120)}`;
      mock.issued.add(token);
      sendJson(res, 200, { access_token: token, expires_in: mock.expiresIn, token_type: 'Bearer' });
    },
  };
}

/** The issued bearer token and a JSON object body; answers the refusal itself. */
function accept(mock: MockGoogleVertexAi, exchange: Exchange): JsonObject | undefined {
  if (!authorized(mock, exchange)) return void sendJson(exchange.res, 401, googleError(401));
  const body = exchange.recorded.body;
  if (!isObject(body)) return void sendJson(exchange.res, 400, googleError(400, 'Invalid JSON payload received.'));
  return body;
}

const PROJECT = '[a-z][a-z0-9-]{4,28}[a-z0-9]';
const MODEL_PATH = new RegExp(`^/v1/projects/${PROJECT}/locations/[a-z0-9-]+/publishers/google/models/([^/:]+):(predict|generateContent|streamGenerateContent)$`);
const RANK_PATH = new RegExp(`^/v1/projects/${PROJECT}/locations/global/rankingConfigs/default_ranking_config:rank$`);

/** A Model Garden endpoint on OpenAI's chat wire (Meta's `endpoints/openapi`, a deployed endpoint's id). */
const GARDEN_PATH = new RegExp(`^/v1/projects/${PROJECT}/locations/[a-z0-9-]+/endpoints/[a-z0-9-]+/chat/completions$`);
const GARDEN_SETTINGS: LiveSettings = { defaultDimensions: 0, shuffleEmbeddingOrder: false, chunkDelayMs: 0, replyText: undefined };

/** Whether the request carries a token the mock issued. */
function authorized(mock: MockGoogleVertexAi, exchange: Exchange): boolean {
  const match = /^Bearer (\S+)$/.exec(exchange.req.headers.authorization ?? '');
  return match !== null && mock.issued.has(match[1]);
}

function gardenRoute(self: () => MockGoogleVertexAi): MockRoute {
  return openAiChatRoute(
    {
      name: 'garden',
      path: (path) => GARDEN_PATH.test(path),
      authorize: (exchange) => (authorized(self(), exchange) ? undefined : { status: 401, body: googleError(401) }),
      shape: openAiErrorShape,
      settings: GARDEN_SETTINGS,
      defaultModel: () => 'endpoint-model',
    },
    self,
  );
}

function modelRoute(
  name: string,
  methods: readonly string[],
  handle: (mock: MockGoogleVertexAi, exchange: Exchange, body: JsonObject) => void | Promise<void>,
  self: () => MockGoogleVertexAi,
  extra: Partial<MockRoute> = {},
): MockRoute {
  return {
    name,
    matches: (verb, path) => verb === 'POST' && methods.includes(MODEL_PATH.exec(path)?.[2] ?? ''),
    wrongShape: { candidates: 'none' },
    handle(exchange) {
      const body = accept(self(), exchange);
      if (body) return handle(self(), exchange, body);
    },
    ...extra,
  };
}

/** A vector of `size` derived from the text (the same text, the same vector). */
function vectorOf(text: string, size: number): number[] {
  const seed = createHash('sha256').update(text).digest();
  return Array.from({ length: size }, (_, i) => Math.round(((seed[i % seed.length] / 255) * 2 - 1) * 1e6) / 1e6);
}

function predict(mock: MockGoogleVertexAi, { res }: Exchange, body: JsonObject): void {
  const { instances, parameters } = body;
  if (!Array.isArray(instances) || instances.length === 0) return sendJson(res, 400, googleError(400, 'instances must be a non-empty list'));
  if (instances.length > 250) return sendJson(res, 400, googleError(400, `Number of instances ${instances.length} exceeds the limit of 250.`));
  const size = isObject(parameters) && typeof parameters.outputDimensionality === 'number' ? parameters.outputDimensionality : mock.dimensions;
  const predictions: JsonValue[] = [];
  for (const instance of instances) {
    if (!isObject(instance) || typeof instance.content !== 'string') return sendJson(res, 400, googleError(400, 'Each instance needs a string content.'));
    predictions.push({ embeddings: { values: vectorOf(instance.content, size), statistics: { truncated: false, token_count: instance.content.split(/\s+/).length } } });
  }
  sendJson(res, 200, { predictions, metadata: { billableCharacterCount: 42 } });
}

const words = (text: string) => new Set(text.toLowerCase().match(/[a-z0-9]+/g) ?? []);

function rank(mock: MockGoogleVertexAi, exchange: Exchange): void {
  const body = accept(mock, exchange);
  if (!body) return;
  const { query, records, topN, ignoreRecordDetailsInResponse: ignore } = body;
  if (typeof query !== 'string' || !Array.isArray(records)) return sendJson(exchange.res, 400, googleError(400, 'query and records are required.'));
  const asked = words(query);
  const scored = records.filter(isObject).map((record) => {
    const content = String(record.content ?? '');
    const shared = [...words(content)].filter((word) => asked.has(word)).length;
    return { id: String(record.id), score: Math.round((shared / Math.max(1, asked.size)) * 1e4) / 1e4, content };
  });
  scored.sort((a, b) => b.score - a.score);
  const kept = typeof topN === 'number' ? scored.slice(0, topN) : scored;
  sendJson(exchange.res, 200, { records: kept.map((r) => (ignore === true ? { id: r.id, score: r.score } : r)) });
}

const ANSWER = 'Elastic is the company behind Elasticsearch, a search and analytics engine.';

/** What the model says: a scripted reply or tool call, else the standard answer. */
function parts(exchange: Exchange): JsonObject[] {
  const step = exchange.step;
  if (step?.kind === 'reply') return [{ text: step.text }];
  if (step?.kind === 'toolCall') return [{ functionCall: { name: step.name ?? 'get_weather', args: JSON.parse(step.arguments ?? '{"city":"Paris"}') } }];
  return [{ text: ANSWER }];
}

const usage = { promptTokenCount: 6, candidatesTokenCount: 14, totalTokenCount: 20, trafficType: 'ON_DEMAND' };

function answer(candidateParts: JsonObject[], finishReason: string | undefined, responseId: string): JsonObject {
  const candidate: JsonObject = { content: { role: 'model', parts: candidateParts } };
  if (finishReason) candidate.finishReason = finishReason;
  return { candidates: [candidate], usageMetadata: usage, modelVersion: MODEL_VERSION, createTime: new Date().toISOString(), responseId };
}

function checkContents(exchange: Exchange, body: JsonObject): boolean {
  if (Array.isArray(body.contents) && body.contents.length > 0) return true;
  sendJson(exchange.res, 400, googleError(400, '* GenerateContentRequest.contents: contents is not specified'));
  return false;
}

function generateContent(_mock: MockGoogleVertexAi, exchange: Exchange, body: JsonObject): void {
  if (checkContents(exchange, body)) sendJson(exchange.res, 200, answer(parts(exchange), 'STOP', randomId(22)));
}

async function streamGenerateContent(mock: MockGoogleVertexAi, exchange: Exchange, body: JsonObject): Promise<void> {
  if (exchange.recorded.query.alt !== 'sse') return sendJson(exchange.res, 400, googleError(400, 'streamGenerateContent is answered as SSE only here (alt=sse).'));
  if (!checkContents(exchange, body)) return;
  const id = randomId(22);
  const said = parts(exchange);
  const pieces: JsonObject[][] = 'text' in said[0] ? String(said[0].text).split(/(?<= )/).map((text) => [{ text }]) : [said];
  const frames = pieces.map((piece, i) => `data: ${JSON.stringify(answer(piece, i === pieces.length - 1 ? 'STOP' : undefined, id))}\r\n\r\n`);
  await mock.writeStream(exchange, frames);
}

function generate(mock: MockGoogleVertexAi, exchange: Exchange, body: JsonObject): void | Promise<void> {
  return exchange.recorded.path.endsWith(':streamGenerateContent') ? streamGenerateContent(mock, exchange, body) : generateContent(mock, exchange, body);
}

const wire: MockWire = {
  errorBody: (status, exchange) => (exchange.recorded.route === 'token' ? (OAUTH_ERRORS[status] ?? { error: 'server_error', error_description: 'Internal error' }) : googleError(status)),
  streamErrorFrame: (message) => `data: ${JSON.stringify(googleError(500, message))}\r\n\r\n`,
  unknownRoute: (method, path) => ({ status: 404, body: googleError(404, `The requested URL ${path} was not found on this server (${method}).`) }),
};

export async function startMockGoogleVertexAi(): Promise<MockGoogleVertexAi> {
  // The routes run after construction: they reach the mock through this binding.
  let mock: MockGoogleVertexAi | undefined;
  const self = () => mock!;
  mock = new MockGoogleVertexAi('googlevertexai', [
    tokenRoute(self),
    modelRoute('predict', ['predict'], predict, self),
    // One route for Gemini's answers, streamed or not (a test's faults apply to either).
    modelRoute('generate', ['generateContent', 'streamGenerateContent'], generate, self, { takesSteps: true }),
    gardenRoute(self),
    anthropicRoute(self, (exchange) => authorized(self(), exchange)),
    { name: 'rank', matches: (method, path) => method === 'POST' && RANK_PATH.test(path), wrongShape: { ranked: [] }, handle: (exchange) => rank(self(), exchange) },
  ], wire);
  return mock.listen();
}
