/**
 * chat_completion on the Messages API: the unified request written as Anthropic's body (chat-body.ts), streamed and
 * read as OpenAI chunks (chat-stream.ts) with AnthropicChatCompletionResponseHandler's errors: the whole body is
 * the message, typed `anthropic_error`, also for an `error` event mid-stream or an event that cannot be read.
 */
import { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient, RequestOptions } from '../kit/provider-client';
import { streamedProviderError } from '../kit/provider-error';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest } from '../types';
import { unifiedChatBody } from './chat-body';
import { AnthropicChunks, UnreadableEvent, finishReasonOf } from './chat-stream';
import { CONTENT_TYPE, MESSAGES_URL, anthropicStatusPolicy, chatErrorDetails } from './wire';

const options: RequestOptions = {
  name: 'anthropic chat completions',
  policy: anthropicStatusPolicy,
  errorDetails: chatErrorDetails,
  unifiedErrorType: 'anthropic_error',
  contentType: CONTENT_TYPE,
};

/** Any event but an `error` one, which the client turns into the provider's error (its data as the message). */
const eventSchema = z.record(z.unknown()).refine((event) => event.type !== 'error');

export async function* anthropicStreamChat(client: ProviderClient, context: CallContext, request: ChatCompletionRequest): AsyncGenerator<ChatCompletionChunk> {
  const body = unifiedChatBody(context, request, true);
  const events = client.postEventStream(context, MESSAGES_URL, body, eventSchema, { ...options, streamError: chatErrorDetails });
  const chunks = new AnthropicChunks();
  for await (const event of events) {
    let read: ChatCompletionChunk[];
    try {
      read = chunks.read(event);
    } catch (error) {
      if (!(error instanceof UnreadableEvent)) throw error;
      throw streamedProviderError(chatErrorDetails(event, JSON.stringify(event)), client.scope(context, options).errors);
    }
    yield* read;
  }
}

const block = z.object({ type: z.string(), text: z.string().optional(), id: z.string().optional(), name: z.string().optional(), input: z.unknown() }).passthrough();
const messageSchema = z
  .object({
    id: z.string(),
    model: z.string(),
    content: z.array(block),
    stop_reason: z.string().nullish(),
    usage: z.object({ input_tokens: z.number(), output_tokens: z.number(), cache_read_input_tokens: z.number().nullish() }).passthrough(),
  })
  .describe('Failed to find required field [content] in Anthropic chat completions response');

/** A whole answer (no stream) in OpenAI's `chat.completion` shape, read as the stream is: the text blocks joined,
 * `tool_use` blocks as tool calls, the stop reason in OpenAI's words. Elasticsearch's Anthropic classes read no
 * such answer (its handler parses only streams on this route): this translation is infergate's own. */
export async function anthropicChat(client: ProviderClient, context: CallContext, request: ChatCompletionRequest): Promise<ChatCompletion> {
  const answer = await client.postJson(context, MESSAGES_URL, unifiedChatBody(context, request, false), messageSchema, options);
  const texts = answer.content.filter((entry) => entry.type === 'text').map((entry) => entry.text ?? '');
  const calls = answer.content
    .filter((entry) => entry.type === 'tool_use')
    .map((entry) => ({ id: entry.id ?? '', type: 'function', function: { name: entry.name ?? '', arguments: JSON.stringify(entry.input ?? {}) } }));
  const { input_tokens: input, output_tokens: output, cache_read_input_tokens: cached } = answer.usage;
  return {
    id: answer.id,
    object: 'chat.completion',
    model: answer.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: texts.length > 0 ? texts.join('') : null, ...(calls.length > 0 ? { tool_calls: calls } : {}) },
        finish_reason: finishReasonOf(answer.stop_reason ?? undefined) ?? null,
      },
    ],
    usage: { completion_tokens: output, prompt_tokens: input, total_tokens: input + output, ...(cached ? { prompt_tokens_details: { cached_tokens: cached } } : {}) },
  } as ChatCompletion;
}
