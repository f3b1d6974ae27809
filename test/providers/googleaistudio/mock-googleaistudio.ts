/**
 * Google's Generative Language API (https://ai.google.dev/api): `POST /v1/models/{model}:batchEmbedContents`
 * (https://ai.google.dev/api/embeddings), `:generateContent` and `:streamGenerateContent` (`?alt=sse`: server-sent
 * GenerateContentResponse chunks; https://ai.google.dev/api/generate-content), the API key in the `key` query
 * parameter (or `x-goog-api-key`), and its google.rpc.Status error bodies
 * `{"error":{"code","message","status","details"?}}` — before a stream and inside one.
 */
import { MockProvider, sendJson, type Exchange, type JsonObject, type JsonValue, type MockRoute, type MockWire } from '../../support/mock-provider/mock-server';
import { embeddingFor } from '../../support/mock-provider/openai-embeddings';
import { isObject } from '../../support/mock-provider/openai-routes';

export const GOOGLE_API_KEY = 'AIzaSyD3mOcKk3yF0rG8oOgLe5tUd1oAiSt7x9Q';
/** A key whose URL forms differ from it (percent-encoded, `+` for the space): redaction must catch those too. */
export const GOOGLE_API_KEY_WITH_SYMBOLS = 'AIza/Sy+D3m=Ock&Kk3 yF0r?G8o%OgL#e5';
const KEYS = new Set([GOOGLE_API_KEY, GOOGLE_API_KEY_WITH_SYMBOLS]);
/** BatchEmbedContentsRequest takes at most this many requests. */
export const MAX_BATCH = 100;

/** Embedding models and their default size. */
const EMBEDDING_MODELS: Readonly<Record<string, number>> = { 'text-embedding-004': 768, 'embedding-001': 768, 'gemini-embedding-001': 3072 };
const GENERATIVE_MODELS = new Set(['gemini-pro', 'gemini-1.5-flash', 'gemini-1.5-pro', 'gemini-2.0-flash', 'gemini-2.5-flash']);
const TASK_TYPES = new Set([
  'TASK_TYPE_UNSPECIFIED',
  'RETRIEVAL_QUERY',
  'RETRIEVAL_DOCUMENT',
  'SEMANTIC_SIMILARITY',
  'CLASSIFICATION',
  'CLUSTERING',
  'QUESTION_ANSWERING',
  'FACT_VERIFICATION',
  'CODE_RETRIEVAL_QUERY',
]);
const EMBED_REQUEST_FIELDS = new Set(['model', 'content', 'taskType', 'title', 'outputDimensionality']);

const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const STATUS_MESSAGES: Readonly<Record<number, string>> = {
  400: 'Request contains an invalid argument.',
  401: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
  403: 'Method doesn\'t allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.',
  404: 'Requested entity was not found.',
  429: 'Resource has been exhausted (e.g. check quota).',
  500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  503: 'The model is overloaded. Please try again later.',
  504: 'Deadline expired before operation could complete.',
};

/** A google.rpc.Status error body. */
export function googleError(code: number, message = STATUS_MESSAGES[code] ?? 'Unknown error.', details?: JsonValue[]): JsonObject {
  const status = STATUS_NAMES[code] ?? (code >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  return { error: { code, message, status, ...(details ? { details } : {}) } };
}

const INVALID_KEY = googleError(400, 'API key not valid. Please pass a valid API key.', [
  { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
]);

const wire: MockWire = {
  // The contract's "401" is Google's own 401 body: a bad key is a 400 (INVALID_KEY) on this API.
  errorBody: (status) => googleError(status),
  streamErrorFrame: (message) => `data: ${JSON.stringify(googleError(500, message))}\r\n\r\n`,
  // Google's front end answers an unknown path with a 404 page; its JSON form is enough here.
  unknownRoute: () => ({ status: 404, body: googleError(404) }),
};

const invalid = (exchange: Exchange, message: string) => sendJson(exchange.res, 400, googleError(400, message));

/** `/v1/models/<model>:<method>` → the model, or undefined. */
function modelOf(path: string, method: string): string | undefined {
  const match = /^\/v1(?:beta)?\/models\/([^/:]+):([A-Za-z]+)$/.exec(path);
  return match && match[2] === method ? decodeURIComponent(match[1]) : undefined;
}

/** The body of a request with a good key for a known model, or undefined once refused. */
function accept(exchange: Exchange, method: string, models: (model: string) => boolean): { body: JsonObject; model: string } | undefined {
  const { recorded, res } = exchange;
  const key = recorded.query.key ?? exchange.req.headers['x-goog-api-key'];
  if (key === undefined || key === '') return void sendJson(res, 403, googleError(403));
  if (typeof key !== 'string' || !KEYS.has(key)) return void sendJson(res, 400, INVALID_KEY);
  const model = modelOf(recorded.path, method)!;
  if (!models(model)) {
    const message = `models/${model} is not found for API version v1, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`;
    return void sendJson(res, 404, googleError(404, message));
  }
  if (!isObject(recorded.body)) return void invalid(exchange, 'Invalid JSON payload received. Unexpected token.');
  return { body: recorded.body, model };
}

/** The text of a `content` with one or more text parts, or an error message. */
function textOfContent(content: JsonValue | undefined, where: string): string | { error: string } {
  if (!isObject(content) || !Array.isArray(content.parts) || content.parts.length === 0) return { error: `* ${where}.parts: contents.parts must not be empty.\n` };
  const texts = content.parts.map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : undefined));
  if (texts.some((text) => text === undefined)) return { error: `* ${where}.parts[0].data: required oneof field 'data' must have one initialized field\n` };
  return texts.join('');
}

function embeddingsRoute(): MockRoute {
  return {
    name: 'embeddings',
    matches: (method, path) => method === 'POST' && modelOf(path, 'batchEmbedContents') !== undefined,
    wrongShape: { embedding: { values: [0.1, 0.2] } },
    handle(exchange) {
      const accepted = accept(exchange, 'batchEmbedContents', (model) => model in EMBEDDING_MODELS);
      if (!accepted) return;
      const { body, model } = accepted;
      const requests = body.requests;
      if (!Array.isArray(requests) || requests.length === 0) return invalid(exchange, '* BatchEmbedContentsRequest.requests: requests must not be empty.\n');
      if (requests.length > MAX_BATCH) return invalid(exchange, `* BatchEmbedContentsRequest.requests: at most ${MAX_BATCH} requests can be in one batch\n`);
      const embeddings: JsonObject[] = [];
      for (const [i, request] of requests.entries()) {
        if (!isObject(request)) return invalid(exchange, `Invalid JSON payload received. Expected an object at 'requests[${i}]'.`);
        const unknown = Object.keys(request).find((field) => !EMBED_REQUEST_FIELDS.has(field));
        if (unknown) return invalid(exchange, `Invalid JSON payload received. Unknown name "${unknown}" at 'requests[${i}]': Cannot find field.`);
        if (request.model !== `models/${model}`) {
          return invalid(exchange, `* BatchEmbedContentsRequest.requests[${i}].model: Model name in the request (${String(request.model)}) must match the batch's (models/${model}).\n`);
        }
        const { taskType = 'TASK_TYPE_UNSPECIFIED', outputDimensionality } = request;
        if (typeof taskType !== 'string' || !TASK_TYPES.has(taskType)) {
          return invalid(exchange, `Invalid value at 'requests[${i}].task_type' (type.googleapis.com/google.ai.generativelanguage.v1.TaskType), ${JSON.stringify(taskType)}`);
        }
        const size = EMBEDDING_MODELS[model];
        if (outputDimensionality !== undefined && (typeof outputDimensionality !== 'number' || !Number.isInteger(outputDimensionality) || outputDimensionality < 1)) {
          return invalid(exchange, `* BatchEmbedContentsRequest.requests[${i}].output_dimensionality: must be a positive integer.\n`);
        }
        const text = textOfContent(request.content, `BatchEmbedContentsRequest.requests[${i}].content`);
        if (typeof text !== 'string') return invalid(exchange, text.error);
        // Models truncate their vector to outputDimensionality (Matryoshka embeddings).
        const length = Math.min(size, typeof outputDimensionality === 'number' ? outputDimensionality : size);
        embeddings.push({ values: embeddingFor(`${taskType}:${text}`, length) });
      }
      sendJson(exchange.res, 200, { embeddings });
    },
  };
}

/** A prompt holding this is blocked by Google's safety filters. */
export const BLOCKED_PROMPT = '[blocked]';

/** What the mock model answers to `prompt`: deterministic, several words long. */
export function answerTo(prompt: string): string {
  return `Elastic is a search company. You asked: ${prompt}`;
}

/** A GenerateContentResponse holding `text`; the last one of an answer has its finish reason. */
function generateContentResponse(text: string, model: string, promptTokens: number, outputTokens: number, last: boolean): JsonObject {
  return {
    candidates: [
      {
        content: { parts: [{ text }], role: 'model' },
        ...(last ? { finishReason: 'STOP' } : {}),
        index: 0,
        ...(last ? { safetyRatings: [{ category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' }] } : {}),
      },
    ],
    usageMetadata: { promptTokenCount: promptTokens, candidatesTokenCount: outputTokens, totalTokenCount: promptTokens + outputTokens },
    modelVersion: model,
  };
}

const words = (text: string) => text.match(/\S+\s*/g) ?? [text];

function generateRoute(mock: () => MockProvider): MockRoute {
  const methodOf = (path: string) => (modelOf(path, 'generateContent') ? 'generateContent' : modelOf(path, 'streamGenerateContent') ? 'streamGenerateContent' : undefined);
  return {
    name: 'generate',
    matches: (method, path) => method === 'POST' && methodOf(path) !== undefined,
    takesSteps: true,
    wrongShape: { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 } },
    async handle(exchange) {
      const method = methodOf(exchange.recorded.path)!;
      const accepted = accept(exchange, method, (model) => GENERATIVE_MODELS.has(model));
      if (!accepted) return;
      const { body, model } = accepted;
      const { contents, generationConfig } = body;
      if (!Array.isArray(contents) || contents.length === 0) return invalid(exchange, '* GenerateContentRequest.contents: contents is not specified\n');
      const prompts: string[] = [];
      for (const [i, content] of contents.entries()) {
        const role = isObject(content) ? content.role : undefined;
        if (role !== undefined && role !== 'user' && role !== 'model') return invalid(exchange, `Please use a valid role: user, model.`);
        const text = textOfContent(content, `GenerateContentRequest.contents[${i}]`);
        if (typeof text !== 'string') return invalid(exchange, text.error);
        prompts.push(text);
      }
      const candidateCount = isObject(generationConfig) ? generationConfig.candidateCount : undefined;
      if (candidateCount !== undefined && (typeof candidateCount !== 'number' || candidateCount < 1 || candidateCount > 8)) {
        return invalid(exchange, '* GenerateContentRequest.generation_config.candidate_count: must be between 1 and 8.\n');
      }
      const prompt = prompts.join('\n');
      const promptTokens = words(prompt).length;
      if (prompt.includes(BLOCKED_PROMPT)) {
        // A blocked prompt gets no candidates, only the feedback (one chunk when streamed).
        const blocked = {
          promptFeedback: { blockReason: 'SAFETY', safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH' }] },
          usageMetadata: { promptTokenCount: promptTokens, totalTokenCount: promptTokens },
          modelVersion: model,
        };
        if (method === 'generateContent') return sendJson(exchange.res, 200, blocked);
        return mock().writeStream(exchange, [`data: ${JSON.stringify(blocked)}\r\n\r\n`], { contentType: 'text/event-stream' });
      }
      const answer = answerTo(prompt);
      if (method === 'generateContent') {
        return sendJson(exchange.res, 200, generateContentResponse(answer, model, promptTokens, words(answer).length, true));
      }
      const pieces = words(answer);
      const chunks = pieces.map((piece, i) => generateContentResponse(piece, model, promptTokens, i + 1, i === pieces.length - 1));
      if (exchange.recorded.query.alt !== 'sse') {
        // Without alt=sse Google streams one JSON array of the chunks.
        return sendJson(exchange.res, 200, chunks);
      }
      const frames = chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`);
      await mock().writeStream(exchange, frames, { contentType: 'text/event-stream' });
    },
  };
}

export function startMockGoogleAiStudio(): Promise<MockProvider> {
  let mock: MockProvider | undefined;
  mock = new MockProvider('googleaistudio', [embeddingsRoute(), generateRoute(() => mock!)], wire);
  return mock.listen();
}
