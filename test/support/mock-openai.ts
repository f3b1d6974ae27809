/**
 * A real HTTP server on loopback that speaks OpenAI's wire format (embeddings, chat completions,
 * streaming) plus an OAuth2 client-credentials token endpoint, with scriptable faults.
 *
 *   const mock = await startMockOpenAi();
 *   mock.enqueueFault('embeddings', { kind: 'status', status: 429 });
 *   ... point the server under test at mock.url ...
 *   await mock.close();
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export type MockEndpoint = 'embeddings' | 'chat' | 'token';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/embeddings`. */
  path: string;
  /** Lower-cased header names, as Node gives them. */
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the form fields of a urlencoded body; undefined if empty or unparseable. */
  body: JsonValue | undefined;
  rawBody: string;
  /** `Date.now()` once the body was fully received. */
  receivedAt: number;
}

/** Answer with this status. Bodies and headers default to OpenAI's real ones for that status. */
export interface StatusFault {
  kind: 'status';
  status: number;
  /** An object is sent as JSON; a string is sent verbatim (Content-Type from `headers`, else text/plain). */
  body?: JsonValue;
  /** Merged over the default headers (e.g. the x-ratelimit-* headers of a 429). */
  headers?: Record<string, string>;
}
/** Wait, then answer normally (for client timeouts). */
export interface DelayFault {
  kind: 'delay';
  ms: number;
}
/** Read the request, then never answer until the client aborts or the mock closes. */
export interface HangFault {
  kind: 'hang';
}
/** 200, Content-Type application/json, body that is not JSON. */
export interface MalformedFault {
  kind: 'malformed';
}
/** 200 with an empty body. */
export interface EmptyFault {
  kind: 'empty';
}
/** 200 JSON lacking the fields the endpoint normally returns (no `data`, no `choices`, no `access_token`). */
export interface WrongShapeFault {
  kind: 'wrongShape';
}
/** Destroy the socket without answering. */
export interface DropConnectionFault {
  kind: 'dropConnection';
}
/**
 * Chat with `stream: true` only. `chunks` counts the content chunks sent after the initial role
 * chunk; then the stream goes silent without closing, the socket is destroyed, or an OpenAI
 * in-stream error frame is sent and the response ends (no `[DONE]`).
 */
export interface StreamFault {
  kind: 'streamThenSilence' | 'streamThenDrop' | 'streamError';
  chunks: number;
  /** streamError only: the message of the error frame. */
  message?: string;
}
/** Chat only, not a fault: answer this request with `text` instead of the echo. */
export interface ReplyStep {
  kind: 'reply';
  text: string;
}
/**
 * Chat only, not a fault: if the request has `tools`, answer with a tool call (finish_reason
 * `tool_calls`). `name` defaults to the first tool's name, `arguments` to `'{}'`.
 */
export interface ToolCallStep {
  kind: 'toolCall';
  name?: string;
  arguments?: string;
}

export type MockFault =
  | StatusFault
  | DelayFault
  | HangFault
  | MalformedFault
  | EmptyFault
  | WrongShapeFault
  | DropConnectionFault
  | StreamFault
  | ReplyStep
  | ToolCallStep;

export interface MockOpenAiOptions {
  /** Valid API keys. Default `['sk-test-valid-key-0123456789abcdef']`. */
  apiKeys?: string[];
  /** OAuth2 client id → secret. Default `{ 'test-client': 'test-client-secret-0123456789' }`. */
  oauthClients?: Record<string, string>;
  /** `expires_in` of minted access tokens; tokens are rejected after it. Default 3600. */
  tokenExpiresInSeconds?: number;
  /** Embedding length when the request has no `dimensions`. Default 1536. */
  defaultDimensions?: number;
  /** Return embedding `data` items out of order (every item displaced, `index` still correct). Default true. */
  shuffleEmbeddingOrder?: boolean;
  /** Delay before each streamed SSE frame. Default 0. */
  chunkDelayMs?: number;
  /** Chat reply text instead of `"Echo: " + last user message`. */
  replyText?: string;
}

export type MockOpenAiConfig = Required<Omit<MockOpenAiOptions, 'replyText'>> & { replyText: string | undefined };

export interface MockOpenAi {
  /** Base URL, e.g. `http://127.0.0.1:PORT` (the OpenAI base URL for clients is `${url}/v1`). */
  readonly url: string;
  readonly embeddingsUrl: string;
  readonly chatUrl: string;
  readonly tokenUrl: string;
  /** Every request received, in order (cleared in place by `reset()`). */
  readonly requests: RecordedRequest[];
  /** Live settings; tests may change them (restored by `reset()`). */
  readonly config: MockOpenAiConfig;
  /** Requests whose connection the client closed before the response finished. */
  readonly abortedRequests: number;
  /** Streaming chat responses currently being written. */
  activeStreams(): number;
  requestsTo(endpoint: MockEndpoint): RecordedRequest[];
  /** Queue a fault (or scripted answer) for the next request to `endpoint`; consumed one per request, in order. */
  enqueueFault(endpoint: MockEndpoint, fault: MockFault): void;
  pendingFaults(endpoint: MockEndpoint): number;
  /** Resolves once `abortedRequests >= count`; rejects after `timeoutMs` (default 5000). */
  waitForAbortedRequests(count: number, timeoutMs?: number): Promise<void>;
  /** Invalidate every access token minted so far (to test re-authentication). */
  revokeTokens(): void;
  /** Clear requests, queued faults and the abort counter; restore `config`. Minted tokens stay valid. */
  reset(): void;
  /** Close the server, destroying open sockets (hanging and streaming requests included). */
  close(): Promise<void>;
}

export const DEFAULT_API_KEY = 'sk-test-valid-key-0123456789abcdef';
export const DEFAULT_OAUTH_CLIENT_ID = 'test-client';
export const DEFAULT_OAUTH_CLIENT_SECRET = 'test-client-secret-0123456789';
export const MAX_EMBEDDING_INPUTS = 2048;

export async function startMockOpenAi(options: MockOpenAiOptions = {}): Promise<MockOpenAi> {
  const mock = new MockOpenAiServer(options);
  await mock.listen();
  return mock;
}

/**
 * The vector the mock returns for `text`: seeded by the text's SHA-256, L2-normalised, every
 * component a float32 value (so the `base64` encoding decodes to exactly the same numbers).
 * A shorter vector is the renormalised prefix of a longer one, as with OpenAI's `dimensions`.
 */
export function embeddingFor(text: string, dimensions: number): number[] {
  const next = mulberry32(createHash('sha256').update(text).digest().readUInt32LE(0));
  const raw = Array.from({ length: dimensions }, () => next() * 2 - 1);
  const norm = Math.sqrt(raw.reduce((sum, v) => sum + v * v, 0)) || 1;
  return raw.map((v) => Math.fround(v / norm));
}

/** How OpenAI quotes a wrong key: first 8 characters, `*`s, last 4 (short keys in full). */
export function redactApiKey(key: string): string {
  if (key.length <= 12) return key;
  return key.slice(0, 8) + '*'.repeat(key.length - 12) + key.slice(-4);
}

// ---------------------------------------------------------------------------------------------
// OpenAI's error bodies
// ---------------------------------------------------------------------------------------------

function openAiError(message: string, type: string, code: string | number | null = null, param: string | null = null): JsonObject {
  return { error: { message, type, param, code } };
}

const MISSING_KEY_MESSAGE =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
  '(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you\'re accessing the ' +
  'API from your browser and are prompted for a username and password. You can obtain an API key from ' +
  'https://platform.openai.com/account/api-keys.';

const INVALID_JSON_MESSAGE =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library " +
  'correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble ' +
  'figuring out how to fix this, please contact us through our help center at help.openai.com.)';

const INVALID_INPUT_MESSAGE =
  "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

const errors = {
  missingKey: () => openAiError(MISSING_KEY_MESSAGE, 'invalid_request_error'),
  incorrectKey: (key: string) =>
    openAiError(
      `Incorrect API key provided: ${redactApiKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      'invalid_request_error',
      'invalid_api_key',
    ),
  invalidJson: () => openAiError(INVALID_JSON_MESSAGE, 'invalid_request_error'),
  invalidInput: () => openAiError(INVALID_INPUT_MESSAGE, 'invalid_request_error'),
  missingModel: () => openAiError('you must provide a model parameter', 'invalid_request_error'),
  invalidUrl: (method: string, path: string) => openAiError(`Invalid URL (${method} ${path})`, 'invalid_request_error'),
  modelNotFound: (model: string) =>
    openAiError(
      `The model \`${model}\` does not exist or you do not have access to it.`,
      'invalid_request_error',
      'model_not_found',
    ),
  rateLimited: (model: string) =>
    openAiError(
      `Rate limit reached for ${model} in organization org-mock on requests per min (RPM): Limit 3, Used 3, ` +
        'Requested 1. Please try again in 20ms. Visit https://platform.openai.com/account/rate-limits to learn more.',
      'requests',
      'rate_limit_exceeded',
    ),
  serverError: () =>
    openAiError('The server had an error while processing your request. Sorry about that!', 'server_error'),
  overloaded: () => openAiError('The engine is currently overloaded, please try again later', 'server_error'),
};

const RATE_LIMIT_HEADERS: Record<string, string> = {
  'x-ratelimit-limit-requests': '3',
  'x-ratelimit-remaining-requests': '0',
  'x-ratelimit-limit-tokens': '40000',
  'x-ratelimit-remaining-tokens': '39990',
  'x-ratelimit-reset-requests': '20ms',
  'x-ratelimit-reset-tokens': '15ms',
};

function defaultFaultBody(status: number, endpoint: MockEndpoint, model: string, authorization: string | undefined): JsonValue {
  if (endpoint === 'token' && status === 400) return { error: 'invalid_request' };
  if (endpoint === 'token' && status === 401) return { error: 'invalid_client' };
  switch (status) {
    case 400:
      return endpoint === 'chat'
        ? openAiError(
            "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. " +
              'Please reduce the length of the messages.',
            'invalid_request_error',
            'context_length_exceeded',
            'messages',
          )
        : errors.invalidInput();
    case 401: {
      const key = bearerToken(authorization);
      return key === undefined ? errors.missingKey() : errors.incorrectKey(key);
    }
    case 403:
      return openAiError('Country, region, or territory not supported', 'request_forbidden', 'unsupported_country_region_territory');
    case 404:
      return errors.modelNotFound(model);
    case 429:
      return errors.rateLimited(model);
    case 500:
      return errors.serverError();
    case 502:
      return openAiError('Bad gateway.', 'cf_bad_gateway', 502);
    case 503:
      return errors.overloaded();
    default:
      return status >= 500 ? errors.serverError() : openAiError(`Request failed with status ${status}.`, 'invalid_request_error');
  }
}

function wrongShapeBody(endpoint: MockEndpoint, model: string): JsonObject {
  switch (endpoint) {
    case 'embeddings':
      return { object: 'list', model, usage: { prompt_tokens: 1, total_tokens: 1 } };
    case 'chat':
      return { id: chatId(), object: 'chat.completion', created: unixNow(), model };
    case 'token':
      return { token_type: 'Bearer', expires_in: 3600 };
  }
}

// ---------------------------------------------------------------------------------------------
// Request parsing
// ---------------------------------------------------------------------------------------------

type ApiError = { status: number; body: JsonObject };

interface EmbeddingsRequest {
  model: string;
  /** One hashing key per input: the string itself, or the JSON of a token array. */
  inputs: string[];
  dimensions: number | undefined;
  encodingFormat: 'float' | 'base64';
}

interface ChatRequest {
  model: string;
  messages: JsonObject[];
  stream: boolean;
  includeUsage: boolean;
  n: number;
  maxTokens: number | undefined;
  toolNames: string[];
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPositiveInteger(value: JsonValue | undefined): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function isTokenArray(value: JsonValue): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((t) => Number.isInteger(t));
}

function embeddingInputs(input: JsonValue | undefined): string[] | undefined {
  if (typeof input === 'string') return input === '' ? undefined : [input];
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_EMBEDDING_INPUTS) return undefined;
  if (input.every((item) => typeof item === 'string' && item !== '')) return input as string[];
  if (isTokenArray(input)) return [JSON.stringify(input)];
  if (input.every(isTokenArray)) return input.map((tokens) => JSON.stringify(tokens));
  return undefined;
}

function parseEmbeddingsRequest(body: JsonObject): EmbeddingsRequest | ApiError {
  if (typeof body.model !== 'string' || body.model === '') return { status: 400, body: errors.missingModel() };
  const inputs = embeddingInputs(body.input);
  if (!inputs) return { status: 400, body: errors.invalidInput() };
  const { dimensions, encoding_format: encodingFormat } = body;
  if (dimensions !== undefined && dimensions !== null) {
    if (!isPositiveInteger(dimensions)) {
      return { status: 400, body: openAiError('Invalid value for dimensions: must be a positive integer.', 'invalid_request_error', null, 'dimensions') };
    }
    if (body.model.includes('ada-002')) {
      return { status: 400, body: openAiError('This model does not support specifying dimensions.', 'invalid_request_error') };
    }
  }
  if (encodingFormat !== undefined && encodingFormat !== 'float' && encodingFormat !== 'base64') {
    return { status: 400, body: openAiError(`'${String(encodingFormat)}' is not one of ['float', 'base64'] - 'encoding_format'`, 'invalid_request_error', null, 'encoding_format') };
  }
  return {
    model: body.model,
    inputs,
    dimensions: isPositiveInteger(dimensions) ? dimensions : undefined,
    encodingFormat: encodingFormat === 'base64' ? 'base64' : 'float',
  };
}

function parseChatRequest(body: JsonObject): ChatRequest | ApiError {
  if (typeof body.model !== 'string' || body.model === '') return { status: 400, body: errors.missingModel() };
  const { messages, stream, stream_options: streamOptions, n, tools } = body;
  if (!Array.isArray(messages) || !messages.every(isObject)) {
    return { status: 400, body: openAiError("Invalid type for 'messages': expected an array of objects.", 'invalid_request_error', 'invalid_type', 'messages') };
  }
  if (messages.length === 0) {
    return { status: 400, body: openAiError("[] is too short - 'messages'", 'invalid_request_error', 'empty_array', 'messages') };
  }
  if (streamOptions !== undefined && streamOptions !== null && stream !== true) {
    return { status: 400, body: openAiError("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'invalid_request_error', null, 'stream_options') };
  }
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  return {
    model: body.model,
    messages,
    stream: stream === true,
    includeUsage: isObject(streamOptions) && streamOptions.include_usage === true,
    n: isPositiveInteger(n) ? n : 1,
    maxTokens: isPositiveInteger(maxTokens) ? maxTokens : undefined,
    toolNames: Array.isArray(tools) ? tools.flatMap((t) => (isObject(t) && isObject(t.function) && typeof t.function.name === 'string' ? [t.function.name] : [])) : [],
  };
}

function isApiError<T extends object>(value: T | ApiError): value is ApiError {
  return 'status' in value && 'body' in value;
}

function messageText(content: JsonValue | undefined): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.flatMap((part) => (isObject(part) && part.type === 'text' && typeof part.text === 'string' ? [part.text] : [])).join('\n');
}

function lastUserText(messages: JsonObject[]): string {
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  return lastUser ? messageText(lastUser.content) : '';
}

function parseBody(raw: string, contentType: string | undefined): JsonValue | undefined {
  if (raw === '') return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw) as JsonValue;
  } catch {
    return undefined;
  }
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

function endpointFor(method: string, path: string): MockEndpoint | undefined {
  if (method !== 'POST') return undefined;
  if (path === '/v1/embeddings') return 'embeddings';
  if (path === '/v1/chat/completions') return 'chat';
  if (path === '/oauth/token') return 'token';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function randomId(length: number): string {
  return Array.from(randomBytes(length), (b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join('');
}
const chatId = () => `chatcmpl-${randomId(29)}`;
const unixNow = () => Math.floor(Date.now() / 1000);

/** A rough stand-in for tokenisation: deterministic, about four characters per token. */
function approxTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Word-ish pieces whose concatenation is `text`, leading whitespace attached as OpenAI's tokens have it. */
function splitPieces(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? [];
}

function float32Base64(vector: number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => buffer.writeFloatLE(v, i * 4));
  return buffer.toString('base64');
}

/** Moves every item (for two or more): a rotation by half the length. */
function displaceAll<T>(items: T[]): T[] {
  const shift = Math.floor(items.length / 2);
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** Resolves after `ms`, or as soon as `signal` aborts; callers check `signal.aborted` afterwards. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer);
  } catch {
    return undefined; // the client went away mid-body
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: JsonValue, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
}

function send(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'x-request-id': `req_${randomId(32)}`, 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function sseFrame(data: JsonValue | '[DONE]'): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

// ---------------------------------------------------------------------------------------------
// Chat replies
// ---------------------------------------------------------------------------------------------

type ChatReply = { kind: 'text'; text: string } | { kind: 'toolCall'; id: string; name: string; arguments: string };

interface ChatAnswer {
  id: string;
  created: number;
  request: ChatRequest;
  reply: ChatReply;
  /** Content pieces (text) or argument fragments (tool call), already cut to max tokens. */
  pieces: string[];
  finishReason: 'stop' | 'length' | 'tool_calls';
  usage: JsonObject;
}

function buildChatAnswer(request: ChatRequest, reply: ChatReply): ChatAnswer {
  const all = reply.kind === 'text' ? splitPieces(reply.text) : reply.arguments.match(/[\s\S]{1,8}/g) ?? [];
  const truncated = reply.kind === 'text' && request.maxTokens !== undefined && all.length > request.maxTokens;
  const pieces = truncated ? all.slice(0, request.maxTokens) : all;
  const promptTokens = request.messages.reduce((sum, m) => sum + 3 + approxTokens(messageText(m.content)), 0);
  const completionTokens = Math.max(1, pieces.length) * request.n;
  return {
    id: chatId(),
    created: unixNow(),
    request,
    reply,
    pieces,
    finishReason: reply.kind === 'toolCall' ? 'tool_calls' : truncated ? 'length' : 'stop',
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

function completionMessage(answer: ChatAnswer): JsonObject {
  const { reply } = answer;
  if (reply.kind === 'text') return { role: 'assistant', content: answer.pieces.join(''), refusal: null };
  const toolCall = { id: reply.id, type: 'function', function: { name: reply.name, arguments: reply.arguments } };
  return { role: 'assistant', content: null, tool_calls: [toolCall], refusal: null };
}

function chatCompletion(answer: ChatAnswer): JsonObject {
  const message = completionMessage(answer);
  return {
    id: answer.id,
    object: 'chat.completion',
    created: answer.created,
    model: answer.request.model,
    choices: Array.from({ length: answer.request.n }, (_, index) => ({
      index,
      message,
      logprobs: null,
      finish_reason: answer.finishReason,
    })),
    usage: answer.usage,
    system_fingerprint: null,
  };
}

function chunkDeltas(answer: ChatAnswer): JsonObject[] {
  const { reply } = answer;
  if (reply.kind === 'text') {
    return [{ role: 'assistant', content: '', refusal: null }, ...answer.pieces.map((content) => ({ content }))];
  }
  const opening = { index: 0, id: reply.id, type: 'function', function: { name: reply.name, arguments: '' } };
  return [
    { role: 'assistant', content: null, tool_calls: [opening], refusal: null },
    ...answer.pieces.map((fragment) => ({ tool_calls: [{ index: 0, function: { arguments: fragment } }] })),
  ];
}

/** The SSE frames of a streamed answer, `[DONE]` included; choices are sent one after another. */
function streamFrames(answer: ChatAnswer): string[] {
  const { request } = answer;
  const chunk = (choices: JsonValue[], usage?: JsonObject): string =>
    sseFrame({
      id: answer.id,
      object: 'chat.completion.chunk',
      created: answer.created,
      model: request.model,
      system_fingerprint: null,
      choices,
      // With include_usage, OpenAI puts `usage: null` on every chunk but the last.
      ...(request.includeUsage ? { usage: usage ?? null } : {}),
    });
  const frames: string[] = [];
  for (let index = 0; index < request.n; index++) {
    for (const delta of chunkDeltas(answer)) frames.push(chunk([{ index, delta, logprobs: null, finish_reason: null }]));
    frames.push(chunk([{ index, delta: {}, logprobs: null, finish_reason: answer.finishReason }]));
  }
  if (request.includeUsage) frames.push(chunk([], answer.usage));
  frames.push(sseFrame('[DONE]'));
  return frames;
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

/** One request/response pair in flight. `signal` aborts when the connection closes. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  signal: AbortSignal;
  recorded: RecordedRequest;
}

type ChatOverride = StreamFault | ReplyStep | ToolCallStep;
const CHAT_ONLY_KINDS: ReadonlySet<MockFault['kind']> = new Set(['streamThenSilence', 'streamThenDrop', 'streamError', 'reply', 'toolCall']);

function isChatOverride(fault: MockFault): fault is ChatOverride {
  return CHAT_ONLY_KINDS.has(fault.kind);
}

function isStreamFault(fault: ChatOverride | undefined): fault is StreamFault {
  return fault !== undefined && fault.kind !== 'reply' && fault.kind !== 'toolCall';
}

class MockOpenAiServer implements MockOpenAi {
  url = '';
  embeddingsUrl = '';
  chatUrl = '';
  tokenUrl = '';
  readonly requests: RecordedRequest[] = [];
  readonly config: MockOpenAiConfig;

  private readonly initialConfig: MockOpenAiConfig;
  /** Minted access token → expiry (ms epoch). */
  private readonly tokens = new Map<string, number>();
  private readonly faults: Record<MockEndpoint, MockFault[]> = { embeddings: [], chat: [], token: [] };
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly inFlight = new Set<AbortController>();
  /** Responses the mock itself cut off (dropConnection, streamThenDrop): not client aborts. */
  private readonly droppedByMock = new WeakSet<ServerResponse>();
  private abortWaiters: Array<() => void> = [];
  private aborted = 0;
  private streaming = 0;
  private closing: Promise<void> | undefined;

  constructor(options: MockOpenAiOptions) {
    this.initialConfig = {
      apiKeys: options.apiKeys ?? [DEFAULT_API_KEY],
      oauthClients: options.oauthClients ?? { [DEFAULT_OAUTH_CLIENT_ID]: DEFAULT_OAUTH_CLIENT_SECRET },
      tokenExpiresInSeconds: options.tokenExpiresInSeconds ?? 3600,
      defaultDimensions: options.defaultDimensions ?? 1536,
      shuffleEmbeddingOrder: options.shuffleEmbeddingOrder ?? true,
      chunkDelayMs: options.chunkDelayMs ?? 0,
      replyText: options.replyText,
    };
    this.config = this.freshConfig();
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    this.embeddingsUrl = `${this.url}/v1/embeddings`;
    this.chatUrl = `${this.url}/v1/chat/completions`;
    this.tokenUrl = `${this.url}/oauth/token`;
  }

  private freshConfig(): MockOpenAiConfig {
    const initial = this.initialConfig;
    return { ...initial, apiKeys: [...initial.apiKeys], oauthClients: { ...initial.oauthClients } };
  }

  get abortedRequests(): number {
    return this.aborted;
  }

  activeStreams(): number {
    return this.streaming;
  }

  requestsTo(endpoint: MockEndpoint): RecordedRequest[] {
    return this.requests.filter((r) => endpointFor(r.method, r.path) === endpoint);
  }

  enqueueFault(endpoint: MockEndpoint, fault: MockFault): void {
    if (isChatOverride(fault) && endpoint !== 'chat') {
      throw new Error(`mock-openai: '${fault.kind}' only applies to the chat endpoint, not '${endpoint}'`);
    }
    this.faults[endpoint].push(fault);
  }

  pendingFaults(endpoint: MockEndpoint): number {
    return this.faults[endpoint].length;
  }

  waitForAbortedRequests(count: number, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.aborted < count) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      const timer = setTimeout(() => {
        this.abortWaiters = this.abortWaiters.filter((w) => w !== waiter);
        reject(new Error(`mock-openai: ${this.aborted} aborted request(s) after ${timeoutMs}ms, expected ${count}`));
      }, timeoutMs);
      const waiter = () => {
        if (check()) this.abortWaiters = this.abortWaiters.filter((w) => w !== waiter);
      };
      if (!check()) this.abortWaiters.push(waiter);
    });
  }

  revokeTokens(): void {
    this.tokens.clear();
  }

  reset(): void {
    this.requests.length = 0;
    for (const queue of Object.values(this.faults)) queue.length = 0;
    this.aborted = 0;
    Object.assign(this.config, this.freshConfig());
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const controller of this.inFlight) controller.abort();
      this.server.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
    });
    return this.closing;
  }

  // --- request handling ----------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const signal = this.trackExchange(res);
    res.on('error', () => undefined);
    const rawBody = await readBody(req);
    if (rawBody === undefined || signal.aborted) return;
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://mock').pathname;
    const recorded: RecordedRequest = {
      method,
      path,
      headers: req.headers,
      body: parseBody(rawBody, req.headers['content-type']),
      rawBody,
      receivedAt: Date.now(),
    };
    this.requests.push(recorded);
    try {
      await this.route({ req, res, signal, recorded });
    } catch (error) {
      sendJson(res, 500, openAiError(`mock-openai internal error: ${String(error)}`, 'server_error'));
    }
  }

  /** Wires the abort signal and the client-abort counter to the response's lifetime. */
  private trackExchange(res: ServerResponse): AbortSignal {
    const controller = new AbortController();
    this.inFlight.add(controller);
    res.on('close', () => {
      this.inFlight.delete(controller);
      controller.abort();
      if (!res.writableFinished && !this.droppedByMock.has(res) && !this.closing) this.countAbort();
    });
    return controller.signal;
  }

  private countAbort(): void {
    this.aborted++;
    for (const waiter of [...this.abortWaiters]) waiter();
  }

  private async route(ex: Exchange): Promise<void> {
    const endpoint = endpointFor(ex.recorded.method, ex.recorded.path);
    if (!endpoint) return sendJson(ex.res, 404, errors.invalidUrl(ex.recorded.method, ex.recorded.path));

    const fault = this.faults[endpoint].shift();
    let chatOverride: ChatOverride | undefined;
    if (fault?.kind === 'delay') {
      await sleep(fault.ms, ex.signal);
      if (ex.signal.aborted) return;
    } else if (fault && isChatOverride(fault)) {
      chatOverride = fault;
    } else if (fault) {
      return this.answerWithFault(ex, endpoint, fault);
    }

    if (endpoint === 'token') return this.handleToken(ex);
    const authError = this.checkAuth(ex.req.headers.authorization);
    if (authError) return sendJson(ex.res, 401, authError);
    if (!isObject(ex.recorded.body)) return sendJson(ex.res, 400, errors.invalidJson());
    if (endpoint === 'embeddings') return this.handleEmbeddings(ex, ex.recorded.body);
    return this.handleChat(ex, ex.recorded.body, chatOverride);
  }

  private answerWithFault(ex: Exchange, endpoint: MockEndpoint, fault: Exclude<MockFault, ChatOverride | DelayFault>): Promise<void> | void {
    const body = ex.recorded.body;
    const model = isObject(body) && typeof body.model === 'string' ? body.model : 'gpt-4o-mini';
    switch (fault.kind) {
      case 'status':
        return this.sendStatusFault(ex, endpoint, fault, model);
      case 'hang':
        return untilAborted(ex.signal);
      case 'malformed':
        return send(ex.res, 200, '{"object":"list","data":[{"object":"embed', { 'content-type': 'application/json' });
      case 'empty':
        return send(ex.res, 200, '', { 'content-type': 'application/json' });
      case 'wrongShape':
        return sendJson(ex.res, 200, wrongShapeBody(endpoint, model));
      case 'dropConnection':
        return this.drop(ex.res);
    }
  }

  private sendStatusFault(ex: Exchange, endpoint: MockEndpoint, fault: StatusFault, model: string): void {
    const headers = { ...(fault.status === 429 ? RATE_LIMIT_HEADERS : {}), ...fault.headers };
    if (typeof fault.body === 'string') {
      send(ex.res, fault.status, fault.body, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      return;
    }
    const body = fault.body ?? defaultFaultBody(fault.status, endpoint, model, ex.req.headers.authorization);
    sendJson(ex.res, fault.status, body, headers);
  }

  private drop(res: ServerResponse): void {
    this.droppedByMock.add(res);
    res.socket?.destroy();
  }

  private checkAuth(authorization: string | undefined): JsonObject | undefined {
    const key = bearerToken(authorization);
    if (key === undefined) return errors.missingKey();
    if (this.config.apiKeys.includes(key)) return undefined;
    const expiresAt = this.tokens.get(key);
    if (expiresAt !== undefined && Date.now() < expiresAt) return undefined;
    return errors.incorrectKey(key);
  }

  // --- endpoints -----------------------------------------------------------------------------

  private handleToken({ req, res, recorded }: Exchange): void {
    const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };
    if (!req.headers['content-type']?.includes('application/x-www-form-urlencoded')) {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'Expected application/x-www-form-urlencoded' }, noStore);
    }
    const form = new URLSearchParams(recorded.rawBody);
    if (form.get('grant_type') !== 'client_credentials') return sendJson(res, 400, { error: 'unsupported_grant_type' }, noStore);
    const { clientId, clientSecret } = clientCredentials(form, req.headers.authorization);
    const expectedSecret = clientId === undefined ? undefined : Object.hasOwn(this.config.oauthClients, clientId) ? this.config.oauthClients[clientId] : undefined;
    if (expectedSecret === undefined || expectedSecret !== clientSecret) {
      return sendJson(res, 401, { error: 'invalid_client' }, noStore);
    }
    const accessToken = randomBytes(24).toString('base64url');
    const expiresIn = this.config.tokenExpiresInSeconds;
    this.tokens.set(accessToken, Date.now() + expiresIn * 1000);
    sendJson(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn }, noStore);
  }

  private handleEmbeddings({ res }: Exchange, body: JsonObject): void {
    const request = parseEmbeddingsRequest(body);
    if (isApiError(request)) return sendJson(res, request.status, request.body);
    const dimensions = request.dimensions ?? this.config.defaultDimensions;
    const data = request.inputs.map((text, index) => {
      const vector = embeddingFor(text, dimensions);
      return { object: 'embedding', index, embedding: request.encodingFormat === 'base64' ? float32Base64(vector) : vector };
    });
    const promptTokens = request.inputs.reduce((sum, text) => sum + approxTokens(text), 0);
    sendJson(res, 200, {
      object: 'list',
      data: this.config.shuffleEmbeddingOrder ? displaceAll(data) : data,
      model: request.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  }

  private async handleChat(ex: Exchange, body: JsonObject, override: ChatOverride | undefined): Promise<void> {
    const request = parseChatRequest(body);
    if (isApiError(request)) return sendJson(ex.res, request.status, request.body);
    if (isStreamFault(override) && !request.stream) {
      return sendJson(ex.res, 500, openAiError(`mock-openai: '${override.kind}' was queued but the request has no stream: true`, 'server_error'));
    }
    const answer = buildChatAnswer(request, this.chatReply(request, override));
    if (!request.stream) return sendJson(ex.res, 200, chatCompletion(answer));
    this.streaming++;
    try {
      const frames = streamFrames(answer);
      const fault = isStreamFault(override) ? override : undefined;
      // A stream fault keeps the role chunk plus `chunks` chunks, never past the first choice's content.
      const kept = fault ? frames.slice(0, Math.min(1 + Math.max(0, fault.chunks), chunkDeltas(answer).length)) : frames;
      await this.writeStream(ex, kept, fault);
    } finally {
      this.streaming--;
    }
  }

  private chatReply(request: ChatRequest, override: ChatOverride | undefined): ChatReply {
    if (override?.kind === 'toolCall' && request.toolNames.length > 0) {
      return {
        kind: 'toolCall',
        id: `call_${randomId(24)}`,
        name: override.name ?? request.toolNames[0],
        arguments: override.arguments ?? '{}',
      };
    }
    if (override?.kind === 'reply') return { kind: 'text', text: override.text };
    return { kind: 'text', text: this.config.replyText ?? `Echo: ${lastUserText(request.messages)}` };
  }

  /** Writes `frames`; without a fault the response then ends, with one the fault decides what follows. */
  private async writeStream({ res, signal }: Exchange, frames: string[], fault: StreamFault | undefined): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': `req_${randomId(32)}`,
    });
    res.flushHeaders();
    for (const frame of frames) {
      if (this.config.chunkDelayMs > 0) await sleep(this.config.chunkDelayMs, signal);
      if (signal.aborted) return;
      res.write(frame);
    }
    if (!fault) return void res.end();
    switch (fault.kind) {
      case 'streamThenSilence':
        return untilAborted(signal);
      case 'streamThenDrop':
        return this.drop(res);
      case 'streamError': {
        const message = fault.message ?? 'The server had an error while processing your request. Sorry about that!';
        res.end(sseFrame(openAiError(message, 'server_error')));
      }
    }
  }
}

function clientCredentials(form: URLSearchParams, authorization: string | undefined): { clientId?: string; clientSecret?: string } {
  // RFC 6749 §2.3.1: client_secret_basic (Authorization: Basic) or client_secret_post (form fields).
  const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) {
      return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
    }
  }
  return { clientId: form.get('client_id') ?? undefined, clientSecret: form.get('client_secret') ?? undefined };
}
