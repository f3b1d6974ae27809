/**
 * Anthropic's stream read as OpenAI chunks, as Elasticsearch's AnthropicChatCompletionStreamingProcessor reads it:
 * `message_start` gives the chunks their id and model and a role chunk; a text block's start and deltas give
 * content; a `tool_use` block starts a tool call (its own index, counted apart from the content blocks, arguments
 * seeded empty) and its `input_json_delta`s add to its arguments; `message_delta` gives the finish reason in OpenAI's
 * words; `message_stop` a last chunk without choices carrying the usage. `ping`, `content_block_stop` and events
 * Anthropic may add are skipped. Thinking blocks are left out: infergate never asks for them (Elasticsearch's
 * `excludeReasoning`), and its chunks carry no reasoning.
 */
import type { ChatCompletionChunk } from '../types';
import { FAILED_TO_FIND_FIELD } from './completion';

type Json = Record<string, unknown>;
type Choice = ChatCompletionChunk['choices'][number];
type Delta = Choice['delta'];

const UNEXPECTED = (key: string, found: string, expected: string) =>
  `Field [${key}] in Anthropic chat completions response is of unexpected type [${found}]. Expected type is [${expected}].`;

/** A field the processor cannot do without: its failure is reported as the event it could not read. */
export class UnreadableEvent extends Error {}

const javaType = (value: unknown): string =>
  Array.isArray(value) ? 'ArrayList' : typeof value === 'string' ? 'String' : typeof value === 'number' ? (Number.isInteger(value) ? 'Integer' : 'Double') : typeof value === 'boolean' ? 'Boolean' : 'LinkedHashMap';

function read(map: Json, key: string, expected: 'String' | 'Integer' | 'Map', optional = false): unknown {
  const value = map[key];
  if (value === undefined || value === null) {
    if (optional) return undefined;
    throw new UnreadableEvent(FAILED_TO_FIND_FIELD(key));
  }
  const found = javaType(value);
  if (found !== (expected === 'Map' ? 'LinkedHashMap' : expected)) throw new UnreadableEvent(UNEXPECTED(key, found, expected));
  return value;
}
const text = (map: Json, key: string) => read(map, key, 'String') as string;
const integer = (map: Json, key: string, optional = false) => read(map, key, 'Integer', optional) as number | undefined;
const object = (map: Json, key: string) => read(map, key, 'Map') as Json;

const FINISH_REASONS: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};
/** Anthropic's stop reason in OpenAI's words; one it does not know is `stop`. */
export const finishReasonOf = (stopReason: string | undefined) => (stopReason === undefined ? undefined : (FINISH_REASONS[stopReason] ?? 'stop'));

/** One processor a stream: it remembers the message's id, model, usage and which block is which tool call. */
export class AnthropicChunks {
  private id?: string;
  private model?: string;
  private toolCalls = new Map<number, number>();
  private usage = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };

  /** The chunks one event gives (none for most). */
  read(event: Json): ChatCompletionChunk[] {
    switch (event.type) {
      case 'message_start':
        return this.messageStart(object(event, 'message'));
      case 'content_block_start':
        return this.blockStart(integer(event, 'index')!, object(event, 'content_block'));
      case 'content_block_delta':
        return this.blockDelta(integer(event, 'index')!, object(event, 'delta'));
      case 'message_delta':
        return this.messageDelta(object(event, 'delta'), object(event, 'usage'));
      case 'message_stop':
        return [this.usageChunk()];
      default:
        return [];
    }
  }

  private messageStart(message: Json): ChatCompletionChunk[] {
    this.model = text(message, 'model');
    this.id = text(message, 'id');
    const role = text(message, 'role');
    const finishReason = finishReasonOf(read(message, 'stop_reason', 'String', true) as string | undefined);
    const usage = object(message, 'usage');
    this.usage = {
      input: integer(usage, 'input_tokens')!,
      output: integer(usage, 'output_tokens')!,
      cacheRead: integer(usage, 'cache_read_input_tokens', true) ?? 0,
      cacheCreation: integer(usage, 'cache_creation_input_tokens', true) ?? 0,
    };
    return [this.chunk([this.choice({ role }, finishReason)])];
  }

  private blockStart(index: number, block: Json): ChatCompletionChunk[] {
    switch (text(block, 'type')) {
      case 'text':
        return [this.chunk([this.choice({ content: text(block, 'text') })])];
      case 'tool_use': {
        const id = text(block, 'id');
        const name = text(block, 'name');
        const toolIndex = this.toolCalls.size;
        this.toolCalls.set(index, toolIndex);
        // The block's `input` is always `{}`: the input comes as input_json_delta fragments, appended to "".
        return [this.chunk([this.choice({ tool_calls: [{ index: toolIndex, id, function: { arguments: '', name }, type: 'function' }] })])];
      }
      default:
        return [];
    }
  }

  private blockDelta(index: number, delta: Json): ChatCompletionChunk[] {
    switch (text(delta, 'type')) {
      case 'text_delta':
        return [this.chunk([this.choice({ content: text(delta, 'text') })])];
      case 'input_json_delta': {
        const arguments_ = text(delta, 'partial_json');
        const toolIndex = this.toolCalls.get(index);
        if (toolIndex === undefined) return [];
        return [this.chunk([this.choice({ tool_calls: [{ index: toolIndex, function: { arguments: arguments_ } }] })])];
      }
      default:
        return [];
    }
  }

  private messageDelta(delta: Json, usage: Json): ChatCompletionChunk[] {
    const stopReason = read(delta, 'stop_reason', 'String', true) as string | undefined;
    this.usage.output = integer(usage, 'output_tokens')!;
    const updated = (key: string) => {
      const value = integer(usage, key, true);
      return value !== undefined && value > 0 ? value : undefined;
    };
    this.usage.input = updated('input_tokens') ?? this.usage.input;
    this.usage.cacheRead = updated('cache_read_input_tokens') ?? this.usage.cacheRead;
    this.usage.cacheCreation = updated('cache_creation_input_tokens') ?? this.usage.cacheCreation;
    if (stopReason === undefined) return [];
    return [this.chunk([this.choice({}, finishReasonOf(stopReason))])];
  }

  /** Usage once, at the end: prompt tokens count the cached ones read and written. (Elasticsearch also keeps the
   * tokens written to the cache, which the unified chunk has no field for here.) */
  private usageChunk(): ChatCompletionChunk {
    const { input, output, cacheRead, cacheCreation } = this.usage;
    const prompt = input + cacheRead + cacheCreation;
    return this.chunk([], {
      completion_tokens: output,
      prompt_tokens: prompt,
      total_tokens: prompt + output,
      ...(cacheRead > 0 ? { prompt_tokens_details: { cached_tokens: cacheRead } } : {}),
    });
  }

  /** One message streams: one choice, at index 0 (parallel tool calls differ by the tool call's index). */
  private choice(delta: Delta, finishReason?: string): Choice {
    return finishReason === undefined ? { delta, index: 0 } : { delta, finish_reason: finishReason, index: 0 };
  }

  private chunk(choices: Choice[], usage?: ChatCompletionChunk['usage']): ChatCompletionChunk {
    const chunk = { id: this.id, choices, model: this.model, object: 'chat.completion.chunk', ...(usage ? { usage } : {}) };
    return chunk as ChatCompletionChunk;
  }
}
