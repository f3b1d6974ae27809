/** A completion endpoint behind OpenAI's chat API: one user message in, its completion as a `chat.completion` (or
 * as `chat.completion.chunk`s) out. */
import { randomBytes } from 'node:crypto';
import type { ChatCompletion, ChatCompletionChunk, CompletionStreamEvent } from '../providers/types';
import type { components } from '../../generated/openapi';
import { invalidRequest } from './openai-request';

type Message = components['schemas']['OpenAiChatCompletionsRequest']['messages'][number];

const chatCompletionId = () => `chatcmpl-${randomBytes(12).toString('base64url')}`;

/** The text of the conversation's one user message: a completion endpoint takes one input. */
export function completionInput(messages: readonly Message[]): string {
  const [message] = messages;
  const text =
    typeof message.content === 'string'
      ? message.content
      : Array.isArray(message.content) && message.content.every((part) => part.type === 'text')
        ? message.content.map((part) => part.text ?? '').join('')
        : undefined;
  if (messages.length !== 1 || message.role !== 'user' || text === undefined) {
    throw invalidRequest(400, 'A completion endpoint takes one user message of text; use a chat_completion endpoint for a conversation.', 'messages');
  }
  return text;
}

export function completionAsChat(model: string, result: string): ChatCompletion {
  return {
    id: chatCompletionId(),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: result }, finish_reason: 'stop' }],
  };
}

/** The completion's stream as chat chunks: the role in the first, `stop` in a last one. */
export async function* completionStreamAsChat(model: string, events: AsyncIterable<CompletionStreamEvent>): AsyncGenerator<ChatCompletionChunk> {
  const id = chatCompletionId();
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, string>, finish: string | null = null): ChatCompletionChunk =>
    ({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] }) as ChatCompletionChunk;
  let first = true;
  for await (const event of events) {
    const content = event.completion.map((part) => part.delta).join('');
    yield chunk(first ? { role: 'assistant', content } : { content });
    first = false;
  }
  yield chunk({}, 'stop');
}
