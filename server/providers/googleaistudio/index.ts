/**
 * The `googleaistudio` service (reference §8.5): text_embedding and completion (streamed) on Google's Generative
 * Language API. No header carries the API key: it is the URL's `key` query parameter, so every message naming a URL
 * names it without the key (404s) or redacted (connection failures), as the kit redacts secrets in URLs.
 */
import { ProviderClient } from '../kit/provider-client';
import type { InferenceProvider, ProviderDependencies } from '../types';
import { googleAiStudioCompletion, googleAiStudioStreamCompletion } from './completion';
import { checkGoogleInputType, googleAiStudioEmbeddings } from './embeddings';
import { googleAiStudioErrorDetails } from './wire';

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const client = new ProviderClient(http, { provider: 'googleaistudio', headers: () => ({}), errorDetails: googleAiStudioErrorDetails });
  const embeddings = googleAiStudioEmbeddings(client);
  return {
    // The validation call embeds as Elasticsearch's INTERNAL_INGEST (a RETRIEVAL_DOCUMENT), which every model takes.
    validationInputType: () => 'internal_ingest',
    embeddingValidation: { defaultSimilarity: 'dot_product', userDimensionsMustMatch: false },
    async textEmbedding(context, { input, inputType }) {
      checkGoogleInputType(context, inputType);
      const vectors = await embeddings.embed(context, input, inputType);
      return { text_embedding: vectors.map((embedding) => ({ embedding })) };
    },
    completion: (context, { input }) => googleAiStudioCompletion(client, context, input),
    streamCompletion: (context, { input }) => googleAiStudioStreamCompletion(client, context, input),
  };
}
