/**
 * IBM watsonx.ai (https://cloud.ibm.com/apidocs/watsonx-ai) at `/ml/v1/text/embeddings`, `/rerank`, `/chat` and
 * `/chat_stream` (each with its `version` query parameter and a `project_id`), and IBM Cloud IAM's token endpoint
 * `/identity/token` (the API key grant, a form): watsonx accepts only bearer tokens IAM issued and has not revoked.
 * Errors are watsonx's `{"errors":[{"code","message"}],"trace","status_code"}` and IAM's `{"errorCode","errorMessage"}`.
 * One server stands for both origins (`watsonxai` and `ibm-iam`).
 */
import { randomBytes } from 'node:crypto';
import { MockProvider, sendJson, type Exchange, type JsonObject, type JsonValue, type MockRoute, type MockWire } from '../../support/mock-provider/mock-server';
import { bearerToken } from '../../support/mock-provider/openai-errors';
import { chatAnswer, iamError, iamStatusBody, iamToken, relevance, streamErrorFrame, streamFrames, vectorOf, watsonxError, watsonxStatusBody } from './watsonx-bodies';

export const WATSONX_API_KEY = 'Xw7bQk2Lr9Vt4Mz8Np3Hs6Jd1Fg5Ca0Ye-Ku2Ri9Ol';
export const WATSONX_PROJECT = '5f4c8a51-2e8b-4d1a-9c3e-7b6a2f0d1e9c';
export const API_KEY_GRANT = 'urn:ibm:params:oauth:grant-type:apikey';

const MAX_EMBEDDING_INPUTS = 1000;

const isObject = (value: JsonValue | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const strings = (value: JsonValue | undefined): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

export class MockWatsonxAi extends MockProvider {
  /** Tokens IAM issued and watsonx still accepts. */
  readonly issued = new Set<string>();
  /** Every token IAM issued (none may leave infergate). */
  readonly everIssued: string[] = [];
  /** The `expires_in` of new tokens (restored by `reset()`). */
  expiresIn = 3600;
  /** Vector length (slate-30m-english-rtrvr's 384; restored by `reset()`). */
  dimensions = 384;

  /** watsonx no longer accepts any token issued so far (as after its expiry). */
  revokeTokens(): void {
    this.issued.clear();
  }

  override reset(): void {
    super.reset();
    this.expiresIn = 3600;
    this.dimensions = 384;
  }
}

function tokenRoute(mock: MockWatsonxAi): MockRoute {
  return {
    name: 'token',
    matches: (method, path) => method === 'POST' && path === '/identity/token',
    wrongShape: { token_type: 'Bearer', expires_in: 3600 },
    handle({ req, res, recorded }) {
      if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
        return sendJson(res, 400, iamError('BXNIM0109E', 'Property missing or empty. Property: grant_type'));
      }
      const form = new URLSearchParams(recorded.rawBody);
      if (form.get('grant_type') !== API_KEY_GRANT) return sendJson(res, 400, iamError('BXNIM0109E', 'Property missing or empty. Property: grant_type'));
      if (!form.get('apikey')) return sendJson(res, 400, iamError('BXNIM0103E', 'Property missing or empty. Property: apikey'));
      if (form.get('apikey') !== WATSONX_API_KEY) return sendJson(res, 400, iamStatusBody(400));
      const token = `eyJraWQiOiIyMDI0MTAwMSIsImFsZyI6IlJTMjU2In0.${randomBytes(24).toString('base64url')}.${randomBytes(16).toString('base64url')}`;
      mock.issued.add(token);
      mock.everIssued.push(token);
      sendJson(res, 200, iamToken(token, mock.expiresIn));
    },
  };
}

/** watsonx's checks every operation shares: an IAM token, `version`, `project_id`, `model_id` (or chat's `model`). */
function accepted(mock: MockWatsonxAi, exchange: Exchange): JsonObject | undefined {
  const { req, res, recorded } = exchange;
  const token = bearerToken(req.headers.authorization);
  if (!token || !mock.issued.has(token)) return void sendJson(res, 401, watsonxStatusBody(401));
  if (!recorded.query.version) return void sendJson(res, 400, watsonxError(400, 'invalid_request_entity', 'Missing query parameter: version'));
  const body = recorded.body;
  if (!isObject(body)) return void sendJson(res, 400, watsonxError(400, 'json_type_error', 'Json document is not valid'));
  if (typeof body.project_id !== 'string') return void sendJson(res, 400, watsonxError(400, 'json_validation_error', "Either 'space_id' or 'project_id' has to be specified"));
  if (body.project_id !== WATSONX_PROJECT) return void sendJson(res, 404, watsonxError(404, 'project_not_found', `Project ${body.project_id} was not found`));
  // watsonx.ai's reference names the chat model `model_id`; Elasticsearch sends `model`, which the API takes too.
  if (typeof (body.model_id ?? body.model) !== 'string') return void sendJson(res, 400, watsonxError(400, 'json_validation_error', "'model_id' is a required property"));
  return body;
}

function route(mock: MockWatsonxAi, name: string, paths: string[], handle: (exchange: Exchange, body: JsonObject) => void | Promise<void>, takesSteps = false): MockRoute {
  return {
    name,
    takesSteps,
    matches: (method, path) => method === 'POST' && paths.includes(path),
    wrongShape: { model_id: 'ibm/slate-30m-english-rtrvr', created_at: '2024-10-13T09:22:50.350Z' },
    handle(exchange) {
      const body = accepted(mock, exchange);
      if (body) return handle(exchange, body);
    },
  };
}

const embeddingsRoute = (mock: MockWatsonxAi) =>
  route(mock, 'embeddings', ['/ml/v1/text/embeddings'], ({ res }, body) => {
    const { inputs, model_id: model } = body;
    if (!strings(inputs)) return sendJson(res, 400, watsonxStatusBody(400));
    if (inputs.length > MAX_EMBEDDING_INPUTS) return sendJson(res, 400, watsonxError(400, 'json_validation_error', `'inputs' has more than ${MAX_EMBEDDING_INPUTS} items`));
    sendJson(res, 200, {
      model_id: model as string,
      results: inputs.map((text) => ({ embedding: vectorOf(text, mock.dimensions) })),
      created_at: new Date().toISOString(),
      input_token_count: inputs.reduce((sum, text) => sum + text.split(/\s+/).length, 0),
    });
  });

const rerankRoute = (mock: MockWatsonxAi) =>
  route(mock, 'rerank', ['/ml/v1/text/rerank'], ({ res }, body) => {
    const { inputs, query, model_id: model, parameters } = body;
    const texts: JsonValue[] | undefined = Array.isArray(inputs) ? inputs.map((input) => (isObject(input) ? (input.text ?? null) : null)) : undefined;
    if (typeof query !== 'string' || !strings(texts)) return sendJson(res, 400, watsonxError(400, 'json_validation_error', "'inputs' and 'query' are required properties"));
    const options = isObject(parameters) && isObject(parameters.return_options) ? parameters.return_options : {};
    const ranked = texts
      .map((text, index) => ({ index, score: relevance(query, text), ...(options.inputs === true ? { input: { text } } : {}) }))
      .sort((a, b) => b.score - a.score);
    const topN = typeof options.top_n === 'number' ? options.top_n : undefined;
    sendJson(res, 200, {
      model_id: model as string,
      results: topN === undefined ? ranked : ranked.slice(0, topN),
      created_at: new Date().toISOString(),
      input_token_count: texts.length * 8,
    });
  });

const chatRoute = (mock: MockWatsonxAi) =>
  route(
    mock,
    'chat',
    ['/ml/v1/text/chat', '/ml/v1/text/chat_stream'],
    (exchange, body) => {
      const messages = Array.isArray(body.messages) ? body.messages.filter(isObject) : [];
      const last = messages.at(-1)?.content;
      if (typeof last !== 'string') return sendJson(exchange.res, 400, watsonxError(400, 'json_validation_error', "'messages' is a required property"));
      const model = (body.model_id ?? body.model) as string;
      const reply = exchange.step?.kind === 'reply' ? exchange.step.text : `Echo: ${last}`;
      if (exchange.recorded.path.endsWith('/chat')) return sendJson(exchange.res, 200, chatAnswer(model, reply, messages.length * 5));
      // The role chunk comes first: a stream fault keeps it and then `chunks` words.
      return mock.writeStream(exchange, streamFrames(model, reply.split(/(?<= )/)), { keptByFault: (chunks) => 1 + chunks });
    },
    true,
  );

const wire: MockWire = {
  errorBody: (status, exchange) => (exchange.recorded.route === 'token' ? iamStatusBody(status) : watsonxStatusBody(status)),
  streamErrorFrame,
  unknownRoute: (method, path) => ({ status: 404, body: watsonxError(404, 'not_found', `${method} ${path} is not found`) }),
};

export function startMockWatsonxAi(): Promise<MockWatsonxAi> {
  const routes: MockRoute[] = [];
  const mock = new MockWatsonxAi('watsonxai', routes, wire);
  routes.push(tokenRoute(mock), embeddingsRoute(mock), rerankRoute(mock), chatRoute(mock));
  return mock.listen();
}
