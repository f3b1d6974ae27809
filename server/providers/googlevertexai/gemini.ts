/**
 * completion and chat_completion on Gemini (provider GOOGLE): `:generateContent`, or `:streamGenerateContent?alt=sse`
 * for streams. A completion's inputs are the user messages of one request (Elasticsearch's UnifiedChatInput); its
 * stream yields each chunk's text, the chat stream each chunk as an OpenAI chunk (GoogleVertexAiStreamingProcessor,
 * GoogleVertexAiUnifiedStreamingProcessor).
 */
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient, RequestOptions } from '../kit/provider-client';
import { taskSettings } from '../kit/settings';
import type { ChatCompletionChunk, ChatCompletionRequest, CompletionResult, CompletionStreamEvent } from '../types';
import { generateContentBody, type GenerationDefaults } from './chat-body';
import { ChunkReader, completionTexts, generateContentSchema } from './chat-chunks';
import { generateContentUrl } from './urls';
import { googleErrorDetails, googleVertexAiStatusPolicy } from './wire';

/** Elasticsearch's handlers name the requests `Google Vertex AI completion` and `... chat completion`. */
const optionsFor = (name: string): RequestOptions => ({ name, policy: googleVertexAiStatusPolicy, errorDetails: googleErrorDetails });
const COMPLETION = optionsFor('Google Vertex AI completion');
const CHAT = optionsFor('Google Vertex AI chat completion');

function defaultsOf(context: CallContext): GenerationDefaults {
  const { max_tokens: maxTokens, thinking_config: thinking } = taskSettings<'GoogleVertexAiChatTaskSettings'>(context);
  return { maxTokens, thinkingBudget: thinking?.thinking_budget };
}

const asChat = (input: string[]): ChatCompletionRequest => ({ messages: input.map((content) => ({ role: 'user', content })) });

export async function geminiCompletion(client: ProviderClient, context: CallContext, input: string[]): Promise<CompletionResult> {
  const body = generateContentBody(asChat(input), defaultsOf(context));
  const answer = await client.postJson(context, generateContentUrl(context, false), body, generateContentSchema, COMPLETION);
  return { completion: completionTexts(answer).map((result) => ({ result })) };
}

function geminiStream(client: ProviderClient, context: CallContext, request: ChatCompletionRequest, options: RequestOptions) {
  const body = generateContentBody(request, defaultsOf(context));
  return client.postEventStream(context, generateContentUrl(context, true, request.model), body, generateContentSchema, options);
}

export async function* geminiStreamCompletion(client: ProviderClient, context: CallContext, input: string[]): AsyncGenerator<CompletionStreamEvent> {
  const reader = new ChunkReader();
  for await (const event of geminiStream(client, context, asChat(input), COMPLETION)) {
    for (const choice of reader.chunk(event).choices) {
      if (choice.delta.content) yield { completion: [{ delta: choice.delta.content }] };
    }
  }
}

export async function* geminiStreamChat(client: ProviderClient, context: CallContext, request: ChatCompletionRequest): AsyncGenerator<ChatCompletionChunk> {
  const reader = new ChunkReader();
  for await (const event of geminiStream(client, context, request, CHAT)) yield reader.chunk(event);
}
