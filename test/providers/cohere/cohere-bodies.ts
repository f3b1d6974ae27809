/** The answers of the Cohere mock: embeddings of each type, rankings, chat replies and stream frames, in the shapes
 * of Cohere's V1 and V2 APIs (https://docs.cohere.com/reference). Deterministic, derived from the texts. */
import { createHash } from 'node:crypto';
import type { JsonObject, JsonValue } from '../../support/mock-provider/mock-server';
import { randomId } from '../../support/mock-provider/mock-server';

export type Version = 'v1' | 'v2';

/** A vector of `size` numbers in [-1, 1) from the text's hash. */
function floats(text: string, size: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < size; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest();
    for (const byte of digest) if (values.length < size) values.push(Math.round(((byte - 128) / 128) * 1e4) / 1e4);
  }
  return values;
}

const int8 = (text: string, size: number) => floats(text, size).map((value) => Math.max(-128, Math.min(127, Math.round(value * 128))));

/** `embeddings` of a request for `types`: by type (V2, or V1 given embedding_types), else V1's bare float array. */
export function embeddingsOf(texts: string[], types: string[] | undefined, dimensions: number): JsonValue {
  if (!types) return texts.map((text) => floats(text, dimensions));
  const byType: JsonObject = {};
  for (const type of types) {
    if (type === 'float') byType.float = texts.map((text) => floats(text, dimensions));
    if (type === 'int8') byType.int8 = texts.map((text) => int8(text, dimensions));
    if (type === 'uint8') byType.uint8 = texts.map((text) => int8(text, dimensions).map((value) => value + 128));
    if (type === 'binary') byType.binary = texts.map((text) => int8(text, dimensions / 8));
  }
  return byType;
}

export const embedAnswer = (version: Version, texts: string[], embeddings: JsonValue, types: string[] | undefined): JsonObject => ({
  id: randomId(16),
  texts,
  embeddings,
  meta: { api_version: { version: version === 'v1' ? '1' : '2' }, billed_units: { input_tokens: texts.length } },
  response_type: types ? 'embeddings_by_type' : 'embeddings_floats',
});

/** Relevance in [0, 1): the share of the query's words a document holds. */
export function relevance(query: string, document: string): number {
  const words = new Set(query.toLowerCase().split(/\W+/).filter(Boolean));
  const shared = new Set(document.toLowerCase().split(/\W+/).filter((word) => words.has(word))).size;
  return Math.round((shared / (words.size + 1)) * 1e6) / 1e6;
}

export function chatAnswer(version: Version, message: string, text: string): JsonObject {
  if (version === 'v1') {
    return {
      response_id: randomId(16),
      text,
      generation_id: randomId(16),
      chat_history: [{ role: 'USER', message }, { role: 'CHATBOT', message: text }],
      finish_reason: 'COMPLETE',
      meta: { api_version: { version: '1' }, billed_units: { input_tokens: 4, output_tokens: 4 } },
    };
  }
  return {
    id: randomId(16),
    finish_reason: 'COMPLETE',
    message: { role: 'assistant', content: [{ type: 'text', text }] },
    usage: { billed_units: { input_tokens: 4, output_tokens: 4 }, tokens: { input_tokens: 70, output_tokens: 4 } },
  };
}

const sse = (data: JsonObject) => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;
const line = (data: JsonObject) => `${JSON.stringify(data)}\n`;

/** The frames of a streamed reply, and how many come before the first piece of text. */
export function streamFrames(version: Version, words: string[]): { frames: string[]; before: number } {
  if (version === 'v1') {
    const id = randomId(16);
    return {
      before: 1,
      frames: [
        line({ is_finished: false, event_type: 'stream-start', generation_id: id }),
        ...words.map((text) => line({ is_finished: false, event_type: 'text-generation', text })),
        line({ is_finished: true, event_type: 'stream-end', response: { response_id: id, text: words.join('') }, finish_reason: 'COMPLETE' }),
      ],
    };
  }
  return {
    before: 2,
    frames: [
      sse({ id: randomId(16), type: 'message-start', delta: { message: { role: 'assistant', content: [] } } }),
      sse({ type: 'content-start', index: 0, delta: { message: { content: { type: 'text', text: '' } } } }),
      ...words.map((text) => sse({ type: 'content-delta', index: 0, delta: { message: { content: { text } } } })),
      sse({ type: 'content-end', index: 0 }),
      sse({ type: 'message-end', delta: { finish_reason: 'COMPLETE', usage: { billed_units: { input_tokens: 4, output_tokens: words.length } } } }),
    ],
  };
}

/** A stream ended by Cohere's in-stream error (V2's frame: new endpoints call V2). */
export const streamErrorFrame = (message: string): string => sse({ type: 'message-end', delta: { finish_reason: 'ERROR', error: message } });
