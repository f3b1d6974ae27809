/** OpenAI's embeddings route (`POST /v1/embeddings`), for every mock on its wire. */
import { createHash } from 'node:crypto';
import { sendJson, type Exchange, type MockRoute } from './mock-server';
import { acceptRequest, approxTokens, isPositiveInteger, routeMatcher, type OpenAiRouteOptions } from './openai-routes';

export const MAX_EMBEDDING_INPUTS = 2048;

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

/**
 * The vector a mock returns for `text`: seeded by the text's SHA-256, L2-normalised, every component a float32 value
 * (so the `base64` encoding decodes to exactly the same numbers).
 */
export function embeddingFor(text: string, dimensions: number): number[] {
  const next = mulberry32(createHash('sha256').update(text).digest().readUInt32LE(0));
  const raw = Array.from({ length: dimensions }, () => next() * 2 - 1);
  const norm = Math.sqrt(raw.reduce((sum, v) => sum + v * v, 0)) || 1;
  return raw.map((v) => Math.fround(v / norm));
}

export function float32Base64(vector: number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => buffer.writeFloatLE(v, i * 4));
  return buffer.toString('base64');
}

/** Moves every item (for two or more): a rotation by half the length. */
function displaceAll<T>(items: T[]): T[] {
  const shift = Math.floor(items.length / 2);
  return [...items.slice(shift), ...items.slice(0, shift)];
}

const isTokenArray = (value: unknown): value is number[] => Array.isArray(value) && value.length > 0 && value.every((t) => Number.isInteger(t));

/** One hashing key per input: the string itself, or the JSON of a token array. */
function embeddingInputs(input: unknown): string[] | undefined {
  if (typeof input === 'string') return input === '' ? undefined : [input];
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_EMBEDDING_INPUTS) return undefined;
  if (input.every((item) => typeof item === 'string' && item !== '')) return input as string[];
  if (isTokenArray(input)) return [JSON.stringify(input)];
  if (input.every(isTokenArray)) return input.map((tokens) => JSON.stringify(tokens));
  return undefined;
}

export function openAiEmbeddingsRoute(options: OpenAiRouteOptions): MockRoute {
  const { shape, settings } = options;
  const invalid = (exchange: Exchange, message: string, param: string | null = null) =>
    sendJson(exchange.res, 400, shape(message, 'invalid_request_error', null, param));
  return {
    name: options.name,
    matches: routeMatcher(options),
    wrongShape: { object: 'list', model: 'mock', usage: { prompt_tokens: 1, total_tokens: 1 } },
    handle(exchange) {
      const accepted = acceptRequest(exchange, options);
      if (!accepted) return;
      const { body, model } = accepted;
      const inputs = embeddingInputs(body.input);
      if (!inputs) return invalid(exchange, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.");
      const { dimensions, encoding_format: encoding } = body;
      if (dimensions !== undefined && dimensions !== null && !isPositiveInteger(dimensions)) {
        return invalid(exchange, 'Invalid value for dimensions: must be a positive integer.', 'dimensions');
      }
      if (dimensions !== undefined && model.includes('ada-002')) return invalid(exchange, 'This model does not support specifying dimensions.');
      if (encoding !== undefined && encoding !== 'float' && encoding !== 'base64') {
        return invalid(exchange, `'${String(encoding)}' is not one of ['float', 'base64'] - 'encoding_format'`, 'encoding_format');
      }
      const length = isPositiveInteger(dimensions) ? dimensions : settings.defaultDimensions;
      const data = inputs.map((text, index) => {
        const vector = embeddingFor(text, length);
        return { object: 'embedding', index, embedding: encoding === 'base64' ? float32Base64(vector) : vector };
      });
      const promptTokens = inputs.reduce((sum, text) => sum + approxTokens(text), 0);
      sendJson(exchange.res, 200, {
        object: 'list',
        data: settings.shuffleEmbeddingOrder ? displaceAll(data) : data,
        model,
        usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
      });
    },
  };
}
