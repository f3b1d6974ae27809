/**
 * A ConverseStream as OpenAI-shaped chunks for the unified chat route: the role of `messageStart`, text deltas as
 * `content`, tool-use blocks as `tool_calls` (numbered among the tool calls, their input streamed as `arguments`),
 * `messageStop`'s reason as `finish_reason` in OpenAI's words, and `metadata`'s token counts as `usage`. Bedrock's
 * stream has no id: one is made per stream.
 */
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient } from '../kit/provider-client';
import type { ChatCompletionChunk, ChatCompletionRequest } from '../types';
import { chatBody, chatId } from './chat-request';
import { converseStream, openAiFinishReason, type ConverseStreamEvent } from './converse';

type Choice = ChatCompletionChunk['choices'][number];
type Delta = Choice['delta'];

class ChunkWriter {
  private readonly id = chatId();
  /** Tool calls by the content block that holds them. */
  private readonly toolIndexes = new Map<number, number>();

  constructor(private readonly model: string) {}

  private chunk(choices: Choice[], usage?: ChatCompletionChunk['usage']): ChatCompletionChunk {
    return { id: this.id, choices, model: this.model, object: 'chat.completion.chunk', ...(usage ? { usage } : {}) };
  }

  private delta(delta: Delta, finishReason?: string): ChatCompletionChunk {
    return this.chunk([{ delta, ...(finishReason === undefined ? {} : { finish_reason: finishReason }), index: 0 }]);
  }

  /** The chunk an event makes, if any. */
  of(event: ConverseStreamEvent): ChatCompletionChunk | undefined {
    if ('messageStart' in event) return this.delta({ role: event.messageStart.role });
    if ('contentBlockStart' in event) {
      const { contentBlockIndex, start } = event.contentBlockStart;
      if (!start.toolUse) return undefined;
      const index = this.toolIndexes.size;
      this.toolIndexes.set(contentBlockIndex, index);
      return this.delta({ tool_calls: [{ index, id: start.toolUse.toolUseId, function: { arguments: '', name: start.toolUse.name }, type: 'function' }] });
    }
    if ('contentBlockDelta' in event) {
      const { contentBlockIndex, delta } = event.contentBlockDelta;
      if (typeof delta.text === 'string') return delta.text === '' ? undefined : this.delta({ content: delta.text });
      const index = this.toolIndexes.get(contentBlockIndex);
      if (delta.toolUse && index !== undefined) return this.delta({ tool_calls: [{ index, function: { arguments: delta.toolUse.input } }] });
      return undefined;
    }
    if ('messageStop' in event) return this.delta({}, openAiFinishReason(event.messageStop.stopReason));
    if ('metadata' in event && event.metadata.usage) {
      const { inputTokens = 0, outputTokens = 0, totalTokens = inputTokens + outputTokens } = event.metadata.usage;
      return this.chunk([], { completion_tokens: outputTokens, prompt_tokens: inputTokens, total_tokens: totalTokens });
    }
    return undefined;
  }
}

export async function* bedrockStreamChat(client: ProviderClient, context: CallContext, request: ChatCompletionRequest): AsyncGenerator<ChatCompletionChunk> {
  const writer = new ChunkWriter(String(context.endpoint.serviceSettings.model));
  for await (const event of converseStream(client, context, chatBody(context, request), 'Amazon Bedrock chat completion')) {
    const chunk = writer.of(event);
    if (chunk) yield chunk;
  }
}
