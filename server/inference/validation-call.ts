/**
 * The call PUT makes before storing an endpoint (reference §2.1 step 8), one probe per task type as Elasticsearch's
 * model validators make it: `["how big"]` as ingest input (text_embedding, sparse_embedding, embedding, completion),
 * query `test query` over two documents (rerank), and a streamed one-message chat limited to one token
 * (chat_completion). A text embedding teaches the endpoint its `dimensions` and default `similarity`.
 */
import { statusException, type EsError } from '../http/errors';
import type { InferenceProvider } from '../providers/types';
import type { Settings } from '../store/endpoint-store';
import type { CallContext } from './call-context';
import { runCall } from './call';

const VALIDATION_INPUT = 'how big';
const VALIDATION_QUERY = 'test query';
const VALIDATION_DOCUMENTS = ['how big', 'how small'];

async function probe(provider: InferenceProvider, context: CallContext): Promise<number | undefined> {
  const input = [VALIDATION_INPUT];
  switch (context.endpoint.taskType) {
    case 'text_embedding': {
      const inputType = provider.validationInputType ? provider.validationInputType(context) : 'ingest';
      const result = await provider.textEmbedding!(context, { input, inputType });
      const first = result.text_embedding?.[0] ?? result.text_embedding_bytes?.[0];
      // Bit embeddings come packed eight to a byte: their size is counted in bits, as DenseEmbeddingBitResults does.
      const bits = result.text_embedding_bits?.[0];
      return first ? first.embedding.length : bits && bits.embedding.length * 8;
    }
    case 'embedding': {
      const result = await provider.embedding!(context, { input: [[{ type: 'text', format: 'text', value: VALIDATION_INPUT }]], inputType: 'ingest' });
      const first = result.embeddings?.[0] ?? result.embeddings_bytes?.[0];
      const bits = result.embeddings_bits?.[0];
      return first ? first.embedding.length : bits && bits.embedding.length * 8;
    }
    case 'sparse_embedding':
      await provider.sparseEmbedding!(context, { input, inputType: 'ingest' });
      return undefined;
    case 'rerank':
      await provider.rerank!(context, provider.rerankValidation ?? { input: VALIDATION_DOCUMENTS, query: VALIDATION_QUERY });
      return undefined;
    case 'completion':
      await provider.completion!(context, { input });
      return undefined;
    case 'chat_completion': {
      const stream = provider.streamChatCompletion!(context, { messages: [{ role: 'user', content: VALIDATION_INPUT }], max_completion_tokens: 1 });
      for await (const _chunk of stream) {
        // Reading to the end: a provider that fails mid-stream fails the validation.
      }
      return undefined;
    }
  }
}

/** What the embedding's size teaches the endpoint; the size-mismatch error is the answer's own reason. */
function embeddingDetails(provider: InferenceProvider, context: CallContext, size: number | undefined): Settings {
  const { serviceSettings, internal, inferenceId } = context.endpoint;
  if (!size) throw statusException(400, 'Could not determine embedding size');
  const rules = provider.embeddingValidation;
  if (rules?.userDimensionsMustMatch && internal.dimensions_set_by_user && serviceSettings.dimensions !== size) {
    throw statusException(
      400,
      `The retrieved embeddings size [${size}] does not match the size specified in the settings [${String(serviceSettings.dimensions)}]. Please recreate the [${inferenceId}] configuration with the correct dimensions`,
    );
  }
  const fallback = typeof rules?.defaultSimilarity === 'function' ? rules.defaultSimilarity(context) : rules?.defaultSimilarity;
  const similarity = rules?.fixedSimilarity ?? serviceSettings.similarity ?? fallback;
  return similarity === undefined ? { dimensions: size } : { similarity, dimensions: size };
}

/** Runs the validation call; returns the service settings it learned. */
export async function validateEndpoint(provider: InferenceProvider, context: CallContext): Promise<Settings> {
  let size: number | undefined;
  try {
    if (provider.validateEndpoint) return await runCall(context, () => provider.validateEndpoint!(context));
    size = await runCall(context, () => probe(provider, context));
  } catch (error) {
    const cause = error as EsError;
    if (cause.status === 499) throw cause;
    throw statusException(400, 'Could not complete inference endpoint creation as validation call to service threw an exception.', { causedBy: cause });
  }
  const dense = context.endpoint.taskType === 'text_embedding' || context.endpoint.taskType === 'embedding';
  return dense ? embeddingDetails(provider, context, size) : {};
}
