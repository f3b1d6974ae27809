/**
 * Model Garden endpoints (GoogleModelGardenProvider): a provider's model served on Vertex AI at the endpoint's `url`
 * (requests that do not stream) and `streaming_url` (streams), each standing in for the other, with the service
 * account's token. Meta, Hugging Face, Mistral and AI21 speak OpenAI's chat wire there, as Elasticsearch's Llama,
 * Hugging Face, Mistral and AI21 request entities write it; Anthropic speaks its Messages wire (anthropic.ts).
 */
import { z } from 'zod';
import { badRequest } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import { errorDetailsFrom, wholeBodyErrorDetails } from '../kit/error-details';
import type { ProviderClient } from '../kit/provider-client';
import { OpenAiCompatibleChat, type ChatWire } from '../openai-compatible/chat-model';
import { openAiErrorDetails } from '../openai-compatible/schemas';
import type { ChatCompletionChunk, ChatCompletionRequest, CompletionResult, CompletionStreamEvent } from '../types';
import { anthropicCompletion, anthropicStreamChat, anthropicStreamCompletion } from './anthropic';
import { chatSettings } from './chat-settings';

type Wire = Omit<ChatWire, 'url' | 'model'>;

const JSON_WITHOUT_CHARSET = 'application/json';
const llamaErrors = errorDetailsFrom(z.object({ error: z.object({ message: z.string().optional() }) }), ({ error }) => ({ message: error.message ?? 'unknown', type: 'llama_error' }));

/** Per provider: Elasticsearch's names of the requests and how its handlers read errors. */
const WIRES: Readonly<Record<string, Wire>> = {
  META: {
    tokenLimitField: 'max_tokens',
    streamOptions: false,
    requestName: 'Google Model Garden Meta completion',
    chatRequestName: 'Google Model Garden Meta chat completion',
    contentType: JSON_WITHOUT_CHARSET,
    chatErrors: { errorDetails: llamaErrors },
  },
  HUGGING_FACE: {
    tokenLimitField: 'max_tokens',
    streamOptions: true,
    requestName: 'Google Model Garden Hugging Face completion',
    chatRequestName: 'Google Model Garden Hugging Face chat completion',
    contentType: JSON_WITHOUT_CHARSET,
    completionErrors: { errorDetails: openAiErrorDetails },
  },
  MISTRAL: {
    tokenLimitField: 'max_tokens',
    streamOptions: false,
    requestName: 'Google Model Garden Mistral completion',
    chatRequestName: 'Google Model Garden Mistral chat completions',
    contentType: JSON_WITHOUT_CHARSET,
    chatErrors: { errorDetails: wholeBodyErrorDetails('mistral_error') },
  },
  AI21: {
    tokenLimitField: 'max_tokens',
    streamOptions: true,
    requestName: 'Google Model Garden AI21 completion',
    chatRequestName: 'Google Model Garden AI21 chat completions',
    contentType: JSON_WITHOUT_CHARSET,
  },
};

const nonStreamingUrl = (context: CallContext) => chatSettings(context).url ?? chatSettings(context).streaming_url!;
const streamingUrl = (context: CallContext) => chatSettings(context).streaming_url ?? chatSettings(context).url!;

const isAnthropic = (context: CallContext) => chatSettings(context).provider === 'ANTHROPIC';

/** The OpenAI-shaped chat of each provider, once for each of its two URLs. */
export class ModelGarden {
  private readonly chats = new Map<string, { plain: OpenAiCompatibleChat; streamed: OpenAiCompatibleChat }>();

  constructor(private readonly client: ProviderClient) {
    for (const [provider, wire] of Object.entries(WIRES)) {
      const model = (context: CallContext) => chatSettings(context).model_id;
      this.chats.set(provider, {
        plain: new OpenAiCompatibleChat(client, { ...wire, model, url: nonStreamingUrl }),
        streamed: new OpenAiCompatibleChat(client, { ...wire, model, url: streamingUrl }),
      });
    }
  }

  private chat(context: CallContext) {
    const provider = chatSettings(context).provider!;
    const chat = this.chats.get(provider);
    if (!chat) throw badRequest(`Google Model Garden provider [${provider.toLowerCase()}] is not supported by infergate yet`);
    return chat;
  }

  completion(context: CallContext, input: string[]): Promise<CompletionResult> {
    if (isAnthropic(context)) return anthropicCompletion(this.client, context, nonStreamingUrl(context), input);
    return this.chat(context).plain.completion(context, input);
  }

  streamCompletion(context: CallContext, input: string[]): AsyncIterable<CompletionStreamEvent> {
    if (isAnthropic(context)) return anthropicStreamCompletion(this.client, context, streamingUrl(context), input);
    return this.chat(context).streamed.streamCompletion(context, input);
  }

  streamChat(context: CallContext, request: ChatCompletionRequest): AsyncIterable<ChatCompletionChunk> {
    if (isAnthropic(context)) return anthropicStreamChat(this.client, context, streamingUrl(context), request);
    return this.chat(context).streamed.streamChat(context, request);
  }
}
