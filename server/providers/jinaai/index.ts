/**
 * The `jinaai` service (reference §8.14): text_embedding and rerank on Jina AI's APIs, and the `embedding` task
 * (9.4+), whose multimodal models take images. The embedding type decides Jina's `embedding_type`, the result shape
 * and the default similarity.
 */
import { badRequest } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import { ProviderClient } from '../kit/provider-client';
import type { InferenceProvider, ProviderDependencies } from '../types';
import { isMultimodal, jinaEmbed, vectorKind } from './embeddings';
import { jinaRerank } from './rerank';
import { jinaErrorDetails, jinaHeaders } from './wire';

const items = (vectors: number[][]) => vectors.map((embedding) => ({ embedding }));

/** JinaAIService.defaultSimilarity: bit vectors are compared by l2_norm, the normalised floats by dot_product. */
const defaultSimilarity = (context: CallContext) => (vectorKind(context) === 'bit' ? 'l2_norm' : 'dot_product');

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const client = new ProviderClient(http, { provider: 'jinaai', headers: jinaHeaders, errorDetails: jinaErrorDetails });
  return {
    inputTypes: {
      kind: 'allowlist',
      values: ['ingest', 'search', 'classification', 'clustering', 'internal_ingest', 'internal_search'],
      serviceName: 'Jina AI',
    },
    embeddingValidation: { defaultSimilarity, userDimensionsMustMatch: true },
    // Images reach only a multimodal model's endpoint: the others are refused per endpoint, below.
    embeddingInputs: { nonText: true, multipleItems: false },
    async textEmbedding(context, { input, inputType }) {
      const vectors = await jinaEmbed(client, context, input.map((value) => ({ type: 'text', format: 'text', value })), inputType);
      return vectorKind(context) === 'bit' ? { text_embedding_bits: items(vectors) } : { text_embedding: items(vectors) };
    },
    async embedding(context, { input, inputType }) {
      const flat = input.map((group) => group[0]);
      const multimodal = isMultimodal(context);
      if (flat.some((item) => item.type !== 'text' && (!multimodal || item.type !== 'image'))) {
        throw badRequest('The jinaai service does not support embedding with non-text inputs');
      }
      const vectors = await jinaEmbed(client, context, flat, inputType);
      return vectorKind(context) === 'bit' ? { embeddings_bits: items(vectors) } : { embeddings: items(vectors) };
    },
    rerank: (context, input) => jinaRerank(client, context, input),
  };
}
