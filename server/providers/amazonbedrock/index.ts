/**
 * The `amazonbedrock` service (reference §8.9): text_embedding (Amazon Titan, Cohere) on InvokeModel, completion
 * (streamed) and chat_completion (streamed, unified) on Converse/ConverseStream, for the providers whose models
 * Bedrock hosts. Every request is signed with SigV4 by the endpoint's access and secret keys.
 */
import type { ProviderHttp } from '../kit/http-transport';
import { ProviderClient } from '../kit/provider-client';
import type { InferenceProvider, ProviderDependencies } from '../types';
import { bedrockChat } from './chat-completion';
import { bedrockStreamChat } from './chat-stream';
import { bedrockCompletion, bedrockStreamCompletion } from './completion';
import { BEDROCK_INPUT_TYPES, bedrockEmbeddings } from './embeddings';
import { defaultSimilarity, newEndpointSettings } from './endpoint';
import { bedrockErrorDetails } from './errors';

function bedrockClient(http: ProviderHttp): ProviderClient {
  // No header of its own: the SigV4 signer of each request adds the authorization.
  return new ProviderClient(http, { provider: 'amazonbedrock', headers: () => ({}), errorDetails: bedrockErrorDetails });
}

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const client = bedrockClient(http);
  return {
    inputTypes: { kind: 'allowlist', values: BEDROCK_INPUT_TYPES, serviceName: 'Amazon Bedrock' },
    embeddingValidation: { defaultSimilarity, userDimensionsMustMatch: true },
    prepareEndpoint: async (context) => newEndpointSettings(context),
    textEmbedding: (context, { input, inputType }) => bedrockEmbeddings(client, context, input, inputType),
    completion: (context, { input }) => bedrockCompletion(client, context, input),
    streamCompletion: (context, { input }) => bedrockStreamCompletion(client, context, input),
    chatCompletion: (context, request) => bedrockChat(client, context, request),
    streamChatCompletion: (context, request) => bedrockStreamChat(client, context, request),
  };
}
