/** What the routes of an OpenAI-wire mock share: where they listen, who may call them, the live settings. */
import type { ErrorShape } from './openai-errors';
import { INVALID_JSON_MESSAGE } from './openai-errors';
import type { Exchange, JsonObject, JsonValue } from './mock-server';
import { sendJson } from './mock-server';

export interface LiveSettings {
  /** Embedding length when the request has no `dimensions`. */
  defaultDimensions: number;
  /** Return embedding `data` items out of order (every item displaced, `index` still correct). */
  shuffleEmbeddingOrder: boolean;
  /** Delay before each streamed frame. */
  chunkDelayMs: number;
  /** Chat reply text instead of `"Echo: " + last user message`. */
  replyText: string | undefined;
}

export interface OpenAiRouteOptions {
  name: string;
  /** The exact path, or a test of the path (e.g. Azure's `/openai/deployments/<id>/embeddings`). */
  path: string | ((path: string) => boolean);
  /** The refusal of a request that is not authorised, or undefined. */
  authorize(exchange: Exchange): { status: number; body: JsonValue } | undefined;
  shape: ErrorShape;
  settings: LiveSettings;
  /** The model when the body names none (Azure: the deployment); without it a model is required. */
  defaultModel?: (exchange: Exchange) => string;
}

export const isObject = (value: JsonValue | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
export const isPositiveInteger = (value: JsonValue | undefined): value is number => typeof value === 'number' && Number.isInteger(value) && value > 0;

export function routeMatcher(options: OpenAiRouteOptions) {
  const { path } = options;
  return (method: string, actual: string) => method === 'POST' && (typeof path === 'string' ? actual === path : path(actual));
}

/** The checks every route makes first: auth, a JSON object body, a model. Returns the body and model, or answers. */
export function acceptRequest(exchange: Exchange, options: OpenAiRouteOptions): { body: JsonObject; model: string } | undefined {
  const refusal = options.authorize(exchange);
  if (refusal) return void sendJson(exchange.res, refusal.status, refusal.body);
  const body = exchange.recorded.body;
  if (!isObject(body)) return void sendJson(exchange.res, 400, options.shape(INVALID_JSON_MESSAGE, 'invalid_request_error'));
  const model = typeof body.model === 'string' && body.model !== '' ? body.model : options.defaultModel?.(exchange);
  if (!model) return void sendJson(exchange.res, 400, options.shape('you must provide a model parameter', 'invalid_request_error'));
  return { body, model };
}

/** A rough stand-in for tokenisation: deterministic, about four characters per token. */
export const approxTokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));
