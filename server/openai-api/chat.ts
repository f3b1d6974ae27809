/** POST /v1/chat/completions: OpenAI's chat API over a chat_completion endpoint, or a completion endpoint for one
 * user message; streamed in OpenAI's framing when asked. */
import type { Response } from 'express';
import { unifiedEnvelope } from '../http/errors';
import { OPENAI_FRAMING } from '../http/sse';
import { callContext, runCall } from '../inference/call';
import { relayStream } from '../inference/stream';
import type { ChatCompletionChunk, ChatCompletionRequest, InferenceProvider } from '../providers/types';
import type { StoredEndpoint } from '../store/endpoint-store';
import type { CallContext } from '../inference/call-context';
import { callTimeout, clientGoneSignal, type Handler } from '../api/context';
import type { components } from '../../generated/openapi';
import { completionAsChat, completionInput, completionStreamAsChat } from './completion-as-chat';
import { modelEndpoint, openAiBody } from './openai-request';
import { noteChatUsage, withUsageNoted } from '../observability/request-scope';

type ChatRequest = components['schemas']['OpenAiChatCompletionsRequest'];

/** The unified request Elasticsearch's chat route takes. OpenAI's `model` names the endpoint, so it is not passed
 * on (there it would replace the endpoint's model). */
function unifiedRequest(body: ChatRequest): ChatCompletionRequest {
  const { messages, temperature, top_p, tool_choice, tools } = body;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  const stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  // Only the fields given (the messages are passed on as they are, not copied).
  const optional = { max_completion_tokens: maxTokens, stop, temperature, top_p, tool_choice, tools };
  return { messages, ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)) } as ChatCompletionRequest;
}

function stream(response: Response, call: CallContext, chunks: AsyncIterable<ChatCompletionChunk>, includeUsage: boolean): Promise<void> {
  return relayStream(response, call, includeUsage ? chunks : withoutUsage(chunks), unifiedEnvelope, OPENAI_FRAMING);
}

/** OpenAI sends token counts in a stream only when `stream_options.include_usage` asks for them. */
async function* withoutUsage(chunks: AsyncIterable<ChatCompletionChunk>): AsyncGenerator<ChatCompletionChunk> {
  for await (const chunk of chunks) {
    if (chunk.choices.length === 0 && chunk.usage) continue;
    yield chunk.usage ? { ...chunk, usage: undefined } : chunk;
  }
}

async function chatOn(response: Response, call: CallContext, provider: InferenceProvider, body: ChatRequest): Promise<void> {
  const request = unifiedRequest(body);
  if (body.stream) return stream(response, call, withUsageNoted(provider.streamChatCompletion!(call, request)), body.stream_options?.include_usage === true);
  const answer = await runCall(call, () => provider.chatCompletion!(call, request));
  noteChatUsage(answer.usage);
  response.json(answer);
}

async function completionOn(response: Response, call: CallContext, provider: InferenceProvider, body: ChatRequest): Promise<void> {
  const input = [completionInput(body.messages)];
  if (body.stream) return stream(response, call, completionStreamAsChat(body.model, provider.streamCompletion!(call, { input })), false);
  const result = await runCall(call, () => provider.completion!(call, { input }));
  response.json(completionAsChat(body.model, result.completion[0]?.result ?? ''));
}

export const openAiChatCompletions: Handler = async (request, response, context) => {
  const body = openAiBody<ChatRequest>(request, context, 'openAiChatCompletions');
  const endpoint: StoredEndpoint = modelEndpoint(context, body.model, ['chat_completion', 'completion'], '/v1/chat/completions');
  const provider = context.providers.get(endpoint.service);
  const call = callContext(endpoint, endpoint.taskSettings, callTimeout(request, context, endpoint.taskType), clientGoneSignal(response));
  if (endpoint.taskType === 'chat_completion') return chatOn(response, call, provider, body);
  return completionOn(response, call, provider, body);
};
