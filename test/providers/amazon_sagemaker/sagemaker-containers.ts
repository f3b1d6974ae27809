/** What the models behind the mock's endpoints answer: an `openai` container (OpenAI's embeddings and chat JSON,
 * server-sent events when streaming) or an `elastic` one (Elasticsearch's result JSON, one chunk a PayloadPart). */
import type { JsonObject, JsonValue } from '../../support/mock-provider/mock-server';

export type ElementType = 'float' | 'byte' | 'bit';
type Container = { api: string; task: string };
type Answer = { body: JsonValue } | { refused: string };

const isObject = (value: JsonValue | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const words = (text: string) => text.toLowerCase().split(/\W+/).filter(Boolean);

function inputsOf(body: JsonObject): string[] | undefined {
  const { input } = body;
  if (typeof input === 'string') return [input];
  return Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'string') ? (input as string[]) : undefined;
}

/** A vector that depends on the text only. */
function vector(text: string, dimensions: number): number[] {
  let seed = [...text].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 7);
  return Array.from({ length: dimensions }, () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return Math.fround((seed % 2000) / 1000 - 1);
  });
}

function elasticEmbeddings(inputs: string[], elementType: ElementType, dimensions: number): JsonObject {
  if (elementType === 'float') return { text_embedding: inputs.map((text) => ({ embedding: vector(text, dimensions) })) };
  const bytes = (text: string, length: number) => vector(text, length).map((value) => Math.round(value * 127));
  if (elementType === 'byte') return { text_embedding_bytes: inputs.map((text) => ({ embedding: bytes(text, dimensions) })) };
  return { text_embedding_bits: inputs.map((text) => ({ embedding: bytes(text, dimensions / 8) })) };
}

const relevance = (query: string, text: string) => {
  const asked = new Set(words(query));
  return Math.fround(words(text).filter((word) => asked.has(word)).length / (1 + words(text).length));
};

function rerank(body: JsonObject, inputs: string[]): Answer {
  if (typeof body.query !== 'string') return { refused: 'query is required' };
  const ranked = inputs
    .map((text, index) => ({ index, relevance_score: relevance(body.query as string, text), ...(body.return_documents === false ? {} : { text }) }))
    .sort((a, b) => b.relevance_score - a.relevance_score);
  return { body: { rerank: typeof body.top_n === 'number' ? ranked.slice(0, body.top_n) : ranked } };
}

const replyTo = (prompt: string) => `You said: ${prompt}`;

function chatPrompt(body: JsonObject): string | undefined {
  const { messages } = body;
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  const last = messages.at(-1);
  return isObject(last) && typeof last.content === 'string' ? last.content : undefined;
}

function chatCompletion(prompt: string): JsonObject {
  return {
    id: 'chatcmpl-sm1',
    object: 'chat.completion',
    created: 1733000000,
    model: 'meta-llama-3-8b-instruct',
    choices: [{ index: 0, message: { role: 'assistant', content: replyTo(prompt) }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
  };
}

export function containerAnswer({ api, task }: Container, body: JsonValue | undefined, mock: { elementType: ElementType; dimensions: number }): Answer {
  if (!isObject(body)) return { refused: 'the request body is not a JSON object' };
  if (api === 'openai' && (task === 'completion' || task === 'chat_completion')) {
    const prompt = chatPrompt(body);
    return prompt === undefined ? { refused: 'messages is required' } : { body: chatCompletion(prompt) };
  }
  const inputs = inputsOf(body);
  if (!inputs) return { refused: 'input must be a string or a list of strings' };
  if (api === 'openai' && task === 'text_embedding') {
    const dimensions = typeof body.dimensions === 'number' ? body.dimensions : mock.dimensions;
    return { body: { object: 'list', data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: vector(text, dimensions) })), model: 'bge-small' } };
  }
  if (api !== 'elastic') return { refused: `the ${api} container does not serve ${task}` };
  switch (task) {
    case 'text_embedding':
      return { body: elasticEmbeddings(inputs, mock.elementType, mock.dimensions) };
    case 'sparse_embedding':
      return { body: { sparse_embedding: inputs.map((text) => ({ is_truncated: false, embedding: Object.fromEntries(words(text).map((word, i) => [word, Math.fround(1 / (i + 1))])) })) } };
    case 'rerank':
      return rerank(body, inputs);
    case 'completion':
      return { body: { completion: inputs.map((text) => ({ result: replyTo(text) })) } };
    default:
      return { refused: `the elastic container does not serve ${task}` };
  }
}

const chunk = (content: Record<string, string>, finish: string | null = null): JsonObject => ({
  id: 'chatcmpl-sm1',
  object: 'chat.completion.chunk',
  created: 1733000000,
  model: 'meta-llama-3-8b-instruct',
  choices: [{ index: 0, delta: content, finish_reason: finish }],
});

/** The reply's chunks: the role, then a word each, then the finish. */
function chunks(prompt: string): JsonObject[] {
  const pieces = replyTo(prompt).split(/(?<= )/);
  return [chunk({ role: 'assistant', content: '' }), ...pieces.map((piece) => chunk({ content: piece })), chunk({}, 'stop')];
}

/** One stream's PayloadParts. The openai container's events are each split in two parts (so a stream fault keeping
 * `n` frames keeps `n / 2` events whole). */
export function streamParts({ api, task }: Container, body: JsonValue | undefined): { parts: string[] } | { refused: string } {
  if (!isObject(body)) return { refused: 'the request body is not a JSON object' };
  if (api === 'openai') {
    const prompt = chatPrompt(body);
    if (prompt === undefined) return { refused: 'messages is required' };
    if (body.stream !== true) return { refused: 'stream must be true on this endpoint' };
    const events = [...chunks(prompt).map((item) => `data: ${JSON.stringify(item)}\n\n`), 'data: [DONE]\n\n'];
    return { parts: events.flatMap((event) => [event.slice(0, event.length >> 1), event.slice(event.length >> 1)]) };
  }
  if (task === 'chat_completion') {
    const prompt = chatPrompt(body);
    return prompt === undefined ? { refused: 'messages is required' } : { parts: chunks(prompt).map((item) => JSON.stringify(item)) };
  }
  const inputs = inputsOf(body);
  if (!inputs) return { refused: 'input must be a string or a list of strings' };
  return { parts: replyTo(inputs[0]).split(/(?<= )/).map((piece) => JSON.stringify({ completion: [{ delta: piece }] })) };
}
