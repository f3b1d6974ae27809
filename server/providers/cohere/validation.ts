/**
 * The validation call of a Cohere endpoint, as Elasticsearch's model validators make it (reference §2.1 step 8): a
 * text embedding of `how big` as ingest input teaches the endpoint its dimensions (eight a byte for bit vectors) and
 * its default similarity (CohereService.defaultSimilarity: `cosine`, `l2_norm` for bits); rerank and completion
 * make their probe.
 */
import { statusException } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import type { Settings } from '../../store/endpoint-store';
import type { InferenceProvider } from '../types';

export async function validateCohereEndpoint(provider: InferenceProvider, context: CallContext): Promise<Settings> {
  switch (context.endpoint.taskType) {
    case 'rerank':
      await provider.rerank!(context, { input: ['how big', 'how small'], query: 'test query' });
      return {};
    case 'completion':
      await provider.completion!(context, { input: ['how big'] });
      return {};
    default: {
      const result = await provider.textEmbedding!(context, { input: ['how big'], inputType: 'internal_ingest' });
      const bits = result.text_embedding_bits?.[0];
      const first = result.text_embedding?.[0] ?? result.text_embedding_bytes?.[0] ?? bits;
      const size = bits ? bits.embedding.length * 8 : first?.embedding.length;
      if (!size) throw statusException(400, 'Could not determine embedding size');
      const similarity = context.endpoint.serviceSettings.similarity ?? (bits ? 'l2_norm' : 'cosine');
      return { similarity, dimensions: size };
    }
  }
}
