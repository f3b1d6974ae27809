/**
 * The `watsonxai` service (reference §8.12): text_embedding, rerank, completion and chat_completion (both streamed)
 * on IBM watsonx.ai, at `https://<url>/ml/v1/text/...?version=<api_version>` for the endpoint's `project_id`. Every
 * request carries `Authorization: Bearer <token>`, the token bought from IBM Cloud IAM with the API key (iam.ts).
 */
import { openAiCompatibleProvider } from '../openai-compatible';
import type { InferenceProvider, ProviderDependencies } from '../types';
import { watsonxChat } from './chat';
import { watsonxEmbeddings } from './embeddings';
import { IamTokens } from './iam';
import { watsonxRerank } from './rerank';
import { watsonxErrorDetails } from './wire';

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const iam = new IamTokens();
  const provider = openAiCompatibleProvider(http, {
    provider: 'watsonxai',
    headers: async (context) => ({ Authorization: `Bearer ${await iam.token(context, provider.client)}` }),
    onAuthenticationFailure: (context) => iam.forget(context),
    errorDetails: watsonxErrorDetails,
    // updateModelWithEmbeddingDetails: the size watsonx returns is stored; `dot_product` when no similarity is set.
    embeddingValidation: { defaultSimilarity: 'dot_product', userDimensionsMustMatch: false },
    embeddings: watsonxEmbeddings,
    chat: watsonxChat,
  });
  return {
    ...provider,
    rerank: (context, input) => watsonxRerank(provider.client, context, input),
    endpointUpdated: async (endpoint) => iam.forgetEndpoint(endpoint.inferenceId),
    endpointRemoved: async (endpoint) => iam.forgetEndpoint(endpoint.inferenceId),
  };
}
