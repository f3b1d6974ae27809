/** OpenAI's chat answers as Elasticsearch returns them: fixed key order, null fields left out (reference §4.3). */
import type { ChatCompletion, ChatCompletionChunk } from '../types';
import type { ChatChunk, ChatCompletionResponse, Usage } from './schemas';

/** Drops nulls and undefined, keeping the key order given (a loop: this runs several times on every chunk). */
function compact<T extends Record<string, unknown>>(entries: T): Partial<T> {
  const kept: Record<string, unknown> = {};
  for (const key in entries) {
    const value = entries[key];
    if (value !== null && value !== undefined) kept[key] = value;
  }
  return kept as Partial<T>;
}

export function toChunk(chunk: ChatChunk): ChatCompletionChunk {
  return compact({
    id: chunk.id,
    choices: chunk.choices.map((choice) =>
      compact({
        delta: compact({
          content: choice.delta.content,
          refusal: choice.delta.refusal,
          role: choice.delta.role,
          tool_calls: choice.delta.tool_calls?.map((call) =>
            compact({
              index: call.index,
              id: call.id,
              function: call.function ? compact({ arguments: call.function.arguments, name: call.function.name }) : undefined,
              type: call.type,
            }),
          ),
        }),
        finish_reason: choice.finish_reason,
        index: choice.index,
      }),
    ),
    model: chunk.model,
    object: 'chat.completion.chunk',
    usage: chunk.usage ? usageOf(chunk.usage) : undefined,
  }) as ChatCompletionChunk;
}

/** The token counts, and of the details the cached and reasoning tokens (what Elasticsearch re-emits). */
function usageOf(usage: Usage): Record<string, unknown> {
  const { completion_tokens, prompt_tokens, total_tokens, prompt_tokens_details: prompt, completion_tokens_details: completion } = usage;
  return compact({
    completion_tokens,
    prompt_tokens,
    total_tokens,
    prompt_tokens_details: prompt?.cached_tokens === undefined ? undefined : { cached_tokens: prompt.cached_tokens },
    completion_tokens_details: completion?.reasoning_tokens === undefined ? undefined : { reasoning_tokens: completion.reasoning_tokens },
  });
}

export function toChatCompletion({ id, created, model, choices, usage }: ChatCompletionResponse): ChatCompletion {
  return compact({
    id,
    object: 'chat.completion',
    created,
    model,
    choices: choices.map((choice) => ({
      index: choice.index,
      // `content` is always there, null when the model only called tools (as OpenAI answers).
      message: {
        role: choice.message.role,
        content: choice.message.content ?? null,
        ...compact({ refusal: choice.message.refusal, tool_calls: choice.message.tool_calls }),
      } as ChatCompletion['choices'][number]['message'],
      finish_reason: choice.finish_reason ?? null,
    })),
    usage: usage ? usageOf(usage) : undefined,
  }) as ChatCompletion;
}

/** The text deltas of a chunk, as a completion stream event carries them (empty ones dropped). */
export function completionDeltas(chunk: ChatChunk): Array<{ delta: string }> {
  const deltas: Array<{ delta: string }> = [];
  for (const choice of chunk.choices) if (choice.delta.content) deltas.push({ delta: choice.delta.content });
  return deltas;
}
