/**
 * Azure AI Foundry (Azure AI Studio) deployments, both kinds on one loopback server:
 * - serverless ("token") APIs (https://learn.microsoft.com/azure/ai-foundry/model-inference/reference): OpenAI's
 *   `/v1/embeddings` and `/v1/chat/completions` (and an Azure OpenAI deployment's `.../embeddings`,
 *   `.../chat/completions`), Cohere's `/v1/rerank`; the key as `api-key`, as the bare `Authorization` value or as a
 *   Bearer token; Azure's error body `{"error":{"code","message"}}` with its `x-ms-error-code` header;
 * - managed online ("realtime") endpoints (https://learn.microsoft.com/azure/machine-learning/how-to-deploy-online-endpoints):
 *   `POST /score` with `{"input_data":{"input_string":[..],"parameters":{..}}}`, answered `{"output": "<text>"}`,
 *   the key as a Bearer token only.
 * Unknown body fields (Elasticsearch's `parameters` on serverless chat) are ignored, as `extra-parameters: drop`.
 */
import { sendJson, type Exchange, type JsonObject, type JsonValue, type MockRoute } from '../../support/mock-provider/mock-server';
import type { ErrorShape } from '../../support/mock-provider/openai-errors';
import { bearerToken } from '../../support/mock-provider/openai-errors';
import { isObject, isPositiveInteger } from '../../support/mock-provider/openai-routes';
import { OpenAiWireMock } from '../../support/mock-provider/openai-wire-mock';
import { relevance } from '../cohere/cohere-bodies';

export const AZURE_AI_STUDIO_KEY = 'Hq7Zt2Wm9Lp4Xv8Rb3Nk6Jd1Sf5Gy0Ca';

const azureShape: ErrorShape = (message, type, code) => ({ error: { code: code === null || code === undefined ? type : String(code), message } });
const azureError = (code: string, message: string): JsonValue => ({ error: { code, message } });

const STATUS_BODIES: Record<number, JsonValue> = {
  400: azureError('Bad Request', 'Input validation error: inputs must be a non-empty list of strings'),
  401: azureError('Unauthorized', 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.'),
  404: azureError('NotFound', 'Resource not found'),
  429: azureError('TooManyRequests', 'Rate limit is exceeded. Try again in 1 seconds.'),
  500: azureError('InternalServerError', 'The server had an error while processing your request.'),
  503: azureError('ServiceUnavailable', 'The model is currently overloaded, please try again later.'),
};

const errorCode = (status: number): string => {
  const body = STATUS_BODIES[status] as { error: { code: string } } | undefined;
  return body?.error.code ?? String(status);
};

/** Serverless endpoints take the key in any of the three spellings Azure documents or Elasticsearch sends. */
function tokenAuth(exchange: Exchange) {
  const { authorization, 'api-key': apiKey } = exchange.req.headers;
  const accepted = apiKey === AZURE_AI_STUDIO_KEY || authorization === AZURE_AI_STUDIO_KEY || bearerToken(authorization) === AZURE_AI_STUDIO_KEY;
  return accepted ? undefined : { status: 401, body: STATUS_BODIES[401] };
}

const realtimeAuth = (exchange: Exchange) => bearerToken(exchange.req.headers.authorization) === AZURE_AI_STUDIO_KEY;

function rerankRoute(): MockRoute {
  return {
    name: 'rerank',
    matches: (method, path) => method === 'POST' && path.endsWith('/v1/rerank'),
    wrongShape: { id: 'rerank-id', meta: { api_version: { version: '1' } } },
    handle(exchange) {
      const refusal = tokenAuth(exchange);
      if (refusal) return sendJson(exchange.res, refusal.status, refusal.body);
      const body = exchange.recorded.body;
      const documents = isObject(body) ? body.documents : undefined;
      if (!isObject(body) || typeof body.query !== 'string' || !Array.isArray(documents) || !documents.every((d) => typeof d === 'string')) {
        return sendJson(exchange.res, 400, azureError('Bad Request', 'invalid request: query and documents are required'));
      }
      const ranked = (documents as string[])
        .map((text, index) => ({ index, relevance_score: relevance(body.query as string, text), text }))
        .sort((a, b) => b.relevance_score - a.relevance_score)
        .slice(0, isPositiveInteger(body.top_n) ? body.top_n : documents.length);
      const results = ranked.map(({ index, relevance_score, text }) => ({ ...(body.return_documents === true ? { document: { text } } : {}), index, relevance_score }));
      sendJson(exchange.res, 200, { id: 'ff2feb42-5d3a-45d7-ba29-c3dabf59988b', results, meta: { api_version: { version: '1' }, billed_units: { search_units: 1 } } });
    },
  };
}

function scoreRoute(mock: OpenAiWireMock): MockRoute {
  return {
    name: 'score',
    matches: (method, path) => method === 'POST' && path.endsWith('/score'),
    wrongShape: { result: [] },
    handle(exchange) {
      if (!realtimeAuth(exchange)) return sendJson(exchange.res, 401, azureError('Unauthorized', 'key_auth_access_denied'));
      const body = exchange.recorded.body;
      const inputData = isObject(body) ? body.input_data : undefined;
      const messages = isObject(inputData) ? inputData.input_string : undefined;
      if (!Array.isArray(messages) || messages.length === 0 || !messages.every(isObject)) {
        return sendJson(exchange.res, 424, azureError('424', 'upstream request failed: input_data.input_string must be a non-empty list of messages'));
      }
      const last = messages[messages.length - 1] as JsonObject;
      sendJson(exchange.res, 200, { output: mock.config.replyText ?? `Echo: ${String(last.content)}` });
    },
  };
}

export function startMockAzureAiStudio(): Promise<OpenAiWireMock> {
  return new OpenAiWireMock({
    name: 'azureaistudio',
    routes: { embeddings: (path) => path.endsWith('/embeddings'), chat: (path) => path.endsWith('/chat/completions') },
    extraRoutes: (mock) => [rerankRoute(), scoreRoute(mock)],
    shape: azureShape,
    authorize: tokenAuth,
    statusBody: (status) => STATUS_BODIES[status],
    errorHeaders: (status) => ({ 'x-ms-error-code': errorCode(status), ...(status === 429 ? { 'retry-after': '1' } : {}) }),
    // Serverless deployments serve one model: the body names none.
    defaultModel: () => 'serverless-deployment',
    settings: { defaultDimensions: 1024 },
  }).listen();
}
