/** The non-streamed unified chat (`POST /_inference/chat_completion/{id}`) on Converse: the output message as one
 * `chat.completion` choice, its text joined, its tool-use blocks as `tool_calls`, its token counts as `usage`. */
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient } from '../kit/provider-client';
import type { ChatCompletion, ChatCompletionRequest } from '../types';
import { chatBody, chatId } from './chat-request';
import { converse, openAiFinishReason } from './converse';

type ToolCalls = NonNullable<ChatCompletion['choices'][number]['message']['tool_calls']>;

interface ToolUseBlock {
  toolUse: { toolUseId: string; name: string; input?: unknown };
}
const isToolUse = (block: Record<string, unknown>): block is Record<string, unknown> & ToolUseBlock =>
  typeof block.toolUse === 'object' && block.toolUse !== null && typeof (block.toolUse as { toolUseId?: unknown }).toolUseId === 'string';

export async function bedrockChat(client: ProviderClient, context: CallContext, request: ChatCompletionRequest): Promise<ChatCompletion> {
  const answer = await converse(client, context, chatBody(context, request), 'Amazon Bedrock chat completion');
  const blocks = answer.output.message.content as Array<Record<string, unknown>>;
  const texts = blocks.flatMap((block) => (typeof block.text === 'string' ? [block.text] : []));
  const toolCalls: ToolCalls = blocks.filter(isToolUse).map(({ toolUse }) => ({
    id: toolUse.toolUseId,
    type: 'function',
    function: { name: toolUse.name, arguments: JSON.stringify(toolUse.input ?? {}) },
  }));
  const usage = answer.usage;
  return {
    id: chatId(),
    object: 'chat.completion',
    model: String(context.endpoint.serviceSettings.model),
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: texts.length > 0 ? texts.join('') : null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
        ...(answer.stopReason === undefined ? {} : { finish_reason: openAiFinishReason(answer.stopReason) }),
      },
    ],
    ...(usage?.inputTokens === undefined || usage.outputTokens === undefined
      ? {}
      : { usage: { completion_tokens: usage.outputTokens, prompt_tokens: usage.inputTokens, total_tokens: usage.totalTokens ?? usage.inputTokens + usage.outputTokens } }),
  };
}
