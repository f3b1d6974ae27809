/**
 * The `amazon_sagemaker` service (reference §8.10): text_embedding, sparse_embedding, rerank, completion and
 * chat_completion on a SageMaker endpoint, through SageMaker Runtime's InvokeEndpoint and
 * InvokeEndpointWithResponseStream, signed with AWS SigV4 by the endpoint's access and secret key. The endpoint
 * speaks OpenAI's JSON (`api: openai`) or Elasticsearch's (`api: elastic`), as Elasticsearch's SageMakerService.
 */
import { ProviderClient } from '../kit/provider-client';
import type { InferenceProvider, ProviderDependencies } from '../types';
import { sageMakerCalls } from './calls';
import { checkEndpoint, validateSageMakerEndpoint } from './endpoint-checks';

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  // Every header is the request's own (invoke.ts): the signature covers them.
  const client = new ProviderClient(http, { provider: 'amazon_sagemaker', headers: () => ({}), unifiedErrorType: 'error' });
  const calls = sageMakerCalls(client);
  return {
    prepareEndpoint: async (context) => checkEndpoint(context),
    validateEndpoint: (context) => validateSageMakerEndpoint(calls, context),
    textEmbedding: (context, { input, inputType }) => calls.textEmbedding(context, input, inputType),
    sparseEmbedding: (context, { input, inputType }) => calls.sparseEmbedding(context, input, inputType),
    rerank: (context, input) => calls.rerank(context, input),
    completion: (context, { input }) => calls.completion(context, input),
    streamCompletion: (context, { input }) => calls.streamCompletion(context, input),
    streamChatCompletion: (context, request) => calls.streamChatCompletion(context, request),
  };
}
