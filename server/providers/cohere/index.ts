/**
 * The `cohere` service (reference §8.3): text_embedding (float, byte or bit vectors), rerank and completion
 * (streamed) on Cohere's V2 API for new endpoints and its V1 API for endpoints stored without a version.
 * Every request carries `Authorization: Bearer` and `Request-Source: unspecified:elasticsearch`; errors quote
 * Cohere's `message`.
 */
import type { CallContext } from '../../inference/call-context';
import { cohereErrorDetails } from '../cohere-compatible/rerank';
import { bearerAuth } from '../kit/auth-headers';
import type { ProviderHttp } from '../kit/http-transport';
import { ProviderClient } from '../kit/provider-client';
import type { Settings } from '../../store/endpoint-store';
import type { InferenceProvider, ProviderDependencies } from '../types';
import { newEndpointSettings } from './api-version';
import { cohereCompletion, cohereStreamCompletion } from './completion';
import { cohereEmbeddings, elementTypeOf } from './embeddings';
import { COHERE_REQUEST_INPUT_TYPES } from './input-type';
import { cohereRerank } from './rerank';
import { validateCohereEndpoint } from './validation';

function cohereClient(http: ProviderHttp): ProviderClient {
  return new ProviderClient(http, {
    provider: 'cohere',
    headers: (context: CallContext) => ({ ...bearerAuth(context), 'Request-Source': 'unspecified:elasticsearch' }),
    errorDetails: cohereErrorDetails,
  });
}

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const client = cohereClient(http);
  const provider: InferenceProvider = {
    inputTypes: { kind: 'allowlist', values: COHERE_REQUEST_INPUT_TYPES, serviceName: 'Cohere' },
    prepareEndpoint: async (context): Promise<Settings> => {
      const settings = newEndpointSettings(context);
      return context.endpoint.taskType === 'text_embedding' ? { ...settings, embedding_type: elementTypeOf(settings.embedding_type) } : settings;
    },
    textEmbedding: async (context, { input, inputType }) => cohereEmbeddings(client, context, input, inputType),
    rerank: (context, input) => cohereRerank(client, context, input),
    completion: (context, { input }) => cohereCompletion(client, context, input),
    streamCompletion: (context, { input }) => cohereStreamCompletion(client, context, input),
  };
  provider.validateEndpoint = (context) => validateCohereEndpoint(provider, context);
  return provider;
}
