/**
 * A service on OpenAI's chat and embeddings wire, from its description: its client (auth, errors), its embeddings
 * and chat (URLs, batch size, body differences) and how its text embeddings validate. A service adds only what is
 * its own (e.g. rerank) beside what this returns.
 */
import type { ErrorDetailsParser } from '../kit/error-details';
import type { ProviderHttp } from '../kit/http-transport';
import { ProviderClient, type ProviderClientConfig } from '../kit/provider-client';
import type { EmbeddingValidation, InferenceProvider, InputTypeRule } from '../types';
import { OpenAiCompatibleChat, type ChatWire } from './chat-model';
import { OpenAiCompatibleEmbeddings, type EmbeddingsWire } from './embedding-model';
import { textOnlyEmbedding } from './embedding-task';
import { openAiErrorDetails } from './schemas';

export interface OpenAiCompatibleService extends Omit<ProviderClientConfig, 'errorDetails'> {
  /** How its error bodies read (default: OpenAI's). */
  errorDetails?: ErrorDetailsParser;
  embeddings?: EmbeddingsWire;
  chat?: ChatWire;
  embeddingValidation?: EmbeddingValidation;
  /** The `input_type` its embeddings take (default: none but the internal ones). */
  inputTypes?: InputTypeRule;
}

export interface OpenAiCompatibleProvider extends InferenceProvider {
  client: ProviderClient;
}

export function openAiCompatibleProvider(http: ProviderHttp, service: OpenAiCompatibleService): OpenAiCompatibleProvider {
  const { embeddings: embeddingsWire, chat: chatWire, embeddingValidation, inputTypes, ...config } = service;
  const client = new ProviderClient(http, { ...config, errorDetails: service.errorDetails ?? openAiErrorDetails });
  const provider: OpenAiCompatibleProvider = { client, embeddingValidation, inputTypes: inputTypes ?? { kind: 'internal-only' } };
  if (embeddingsWire) {
    const embeddings = new OpenAiCompatibleEmbeddings(client, embeddingsWire);
    provider.textEmbedding = async (context, { input, inputType }) => ({
      text_embedding: (await embeddings.embed(context, input, inputType)).map((embedding) => ({ embedding })),
    });
    provider.embedding = textOnlyEmbedding(embeddings);
  }
  if (chatWire) {
    const chat = new OpenAiCompatibleChat(client, chatWire);
    provider.completion = (context, { input }) => chat.completion(context, input);
    provider.streamCompletion = (context, { input }) => chat.streamCompletion(context, input);
    provider.chatCompletion = (context, request) => chat.chat(context, request);
    provider.streamChatCompletion = (context, request) => chat.streamChat(context, request);
  }
  return provider;
}
