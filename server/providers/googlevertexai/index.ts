/**
 * The `googlevertexai` service (reference §8.6): text_embedding, rerank, completion and chat_completion (both
 * streamed) on Google Vertex AI with a service account's access token (auth.ts) — Gemini, or a Model Garden endpoint
 * (model-garden.ts). Every request goes through one client: Google's error bodies, Elasticsearch's
 * GoogleVertexAiResponseHandler statuses, a 401 dropping the token.
 */
import { ProviderClient } from '../kit/provider-client';
import type { InferenceProvider, ProviderDependencies } from '../types';
import { GoogleAuth } from './auth';
import { chatSettings, checkChatSettings, isModelGarden } from './chat-settings';
import { REQUEST_INPUT_TYPES, vertexEmbeddings } from './embeddings';
import { geminiCompletion, geminiStreamChat, geminiStreamCompletion } from './gemini';
import { ModelGarden } from './model-garden';
import { vertexRerank } from './rerank';
import { secretPartsOf } from './service-account';
import { googleErrorDetails } from './wire';

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const auth = new GoogleAuth();
  const client: ProviderClient = new ProviderClient(http, {
    provider: 'googlevertexai',
    headers: (context) => auth.headers(context, client),
    errorDetails: googleErrorDetails,
    onAuthenticationFailure: (context) => auth.rejected(context),
    redactionSecrets: (context) => secretPartsOf(String(context.endpoint.secrets.service_account_json ?? '')),
  });
  const garden = new ModelGarden(client);
  return {
    inputTypes: { kind: 'allowlist', values: REQUEST_INPUT_TYPES, serviceName: 'Google Vertex AI' },
    embeddingValidation: { defaultSimilarity: 'dot_product', userDimensionsMustMatch: true },
    prepareEndpoint: async (context) =>
      context.endpoint.taskType === 'completion' || context.endpoint.taskType === 'chat_completion' ? checkChatSettings(context) : context.endpoint.serviceSettings,
    textEmbedding: (context, { input, inputType }) => vertexEmbeddings(client, context, input, inputType),
    rerank: (context, input) => vertexRerank(client, context, input),
    completion: (context, { input }) => (isModelGarden(chatSettings(context)) ? garden.completion(context, input) : geminiCompletion(client, context, input)),
    async *streamCompletion(context, { input }) {
      yield* isModelGarden(chatSettings(context)) ? garden.streamCompletion(context, input) : geminiStreamCompletion(client, context, input);
    },
    async *streamChatCompletion(context, request) {
      yield* isModelGarden(chatSettings(context)) ? garden.streamChat(context, request) : geminiStreamChat(client, context, request);
    },
    endpointUpdated: async (endpoint) => auth.forgetEndpoint(endpoint.inferenceId),
    endpointRemoved: async (endpoint) => auth.forgetEndpoint(endpoint.inferenceId),
  };
}
