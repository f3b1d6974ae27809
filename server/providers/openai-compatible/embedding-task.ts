/** The `embedding` task (reference §5) on a text embeddings API: each input is one text item (the API layer has
 * refused other media and multi-item contents already), sent as a text embedding request. */
import type { EmbeddingResult, InferenceProvider } from '../types';
import type { OpenAiCompatibleEmbeddings } from './embedding-model';

export function textOnlyEmbedding(embeddings: OpenAiCompatibleEmbeddings): NonNullable<InferenceProvider['embedding']> {
  return async (context, { input, inputType }): Promise<EmbeddingResult> => {
    const texts = input.map((items) => items[0].value);
    return { embeddings: (await embeddings.embed(context, texts, inputType)).map((embedding) => ({ embedding })) };
  };
}
