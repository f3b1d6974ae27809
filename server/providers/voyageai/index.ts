/**
 * The `voyageai` service (reference §8.15): text_embedding and rerank on Voyage AI's APIs, with Elasticsearch's
 * `Request-Source` header. The embedding type decides Voyage's `output_dtype` and the result shape.
 */
import { ProviderClient } from '../kit/provider-client';
import type { InferenceProvider, ProviderDependencies } from '../types';
import { embeddingResult, vectorKind, voyageEmbed } from './embeddings';
import { voyageRerank } from './rerank';
import { voyageErrorDetails, voyageHeaders } from './wire';

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const client = new ProviderClient(http, { provider: 'voyageai', headers: voyageHeaders, errorDetails: voyageErrorDetails });
  return {
    inputTypes: { kind: 'allowlist', values: ['ingest', 'search', 'internal_ingest', 'internal_search'], serviceName: 'Voyage AI' },
    embeddingValidation: { defaultSimilarity: 'dot_product', userDimensionsMustMatch: true },
    async textEmbedding(context, { input, inputType }) {
      const vectors = await voyageEmbed(client, context, input, inputType);
      return embeddingResult(vectorKind(context), vectors);
    },
    rerank: (context, input) => voyageRerank(client, context, input),
  };
}
