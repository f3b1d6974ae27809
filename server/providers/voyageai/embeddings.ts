/** Voyage AI's embeddings API as VoyageAIEmbeddingsRequestEntity writes it and VoyageAIEmbeddingsResponseEntity
 * reads it: `{"input","model","input_type"?,"truncation"?,"output_dimension"?,"output_dtype"}` in, `data[{index,
 * embedding}]` out, the vector's numbers floats or (int8, binary) signed bytes. */
import { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient } from '../kit/provider-client';
import { serviceSettings, taskSettings } from '../kit/settings';
import type { VectorReader } from '../openai-compatible/embedding-model';
import type { TextEmbeddingResult } from '../types';
import { EMBEDDINGS_URL, JSON_WITHOUT_CHARSET, voyageErrorDetails, voyageStatusPolicy } from './wire';

/** VoyageAIService's MODEL_BATCH_SIZES, DEFAULT_BATCH_SIZE for any other model. */
const MODEL_BATCH_SIZES: Readonly<Record<string, number>> = {
  'voyage-multimodal-3': 7,
  'voyage-3-large': 7,
  'voyage-code-3': 7,
  'voyage-3': 10,
  'voyage-3-lite': 30,
  'voyage-finance-2': 7,
  'voyage-law-2': 7,
  'voyage-code-2': 7,
  'voyage-2': 72,
  'voyage-02': 72,
};
const DEFAULT_BATCH_SIZE = 7;

export type VoyageVectorKind = 'float' | 'byte' | 'bit';

const settings = (context: CallContext) => serviceSettings<'VoyageAiEmbeddingServiceSettings'>(context);

export function vectorKind(context: CallContext): VoyageVectorKind {
  const type = settings(context).embedding_type ?? 'float';
  return type === 'float' ? 'float' : type === 'int8' || type === 'byte' ? 'byte' : 'bit';
}

/** `output_dtype`: int8 and byte ask for `int8`, bit and binary for `binary`. */
const OUTPUT_DTYPE: Record<VoyageVectorKind, string> = { float: 'float', byte: 'int8', bit: 'binary' };

/** The request's input type when it gives one, else the task setting's; `document` or `query` (else none). */
function voyageInputType(requested: string | undefined, stored: string | undefined): { input_type?: string } {
  const inputType = requested && requested !== 'unspecified' ? requested : stored;
  if (inputType === 'ingest' || inputType === 'internal_ingest') return { input_type: 'document' };
  if (inputType === 'search' || inputType === 'internal_search') return { input_type: 'query' };
  return {};
}

function embeddingsBody(context: CallContext, input: string[], inputType: string | undefined): Record<string, unknown> {
  const { model_id, dimensions } = settings(context);
  const { input_type: stored, truncation } = taskSettings<'VoyageAiEmbeddingTaskSettings'>(context);
  return {
    input,
    model: model_id,
    ...voyageInputType(inputType, stored),
    ...(truncation === undefined ? {} : { truncation }),
    // The stored dimensions, the user's or those the validation call learned: Elasticsearch sends them always.
    ...(dimensions === undefined ? {} : { output_dimension: dimensions }),
    output_dtype: OUTPUT_DTYPE[vectorKind(context)],
  };
}

const BYTE = z.number().int().min(-128).max(127);

function readerOf(numbers: z.ZodNumber): VectorReader<z.ZodTypeAny> {
  const schema = z
    .object({ data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(numbers) })) })
    .describe('Failed to find required field [data] in VoyageAI embeddings response');
  return {
    schema,
    vectors(answer: z.infer<typeof schema>, inputCount: number) {
      const ordered = [...answer.data].sort((a, b) => a.index - b.index);
      if (ordered.length !== inputCount || ordered.some((item, i) => item.index !== i)) return undefined;
      return ordered.map((item) => item.embedding);
    },
  };
}

const READERS: Record<VoyageVectorKind, VectorReader<z.ZodTypeAny>> = { float: readerOf(z.number()), byte: readerOf(BYTE), bit: readerOf(BYTE) };

/** One vector per input, in input order, in batches of the model's size. Elasticsearch does not cut Voyage's inputs
 * to `max_input_tokens` (Voyage's own `truncation` does that), so neither does infergate. */
export function voyageEmbed(client: ProviderClient, context: CallContext, input: string[], inputType: string | undefined): Promise<number[][]> {
  const reader = READERS[vectorKind(context)];
  const options = {
    name: 'voyageai text embedding',
    failedToSend: 'Failed to send VoyageAI embeddings request',
    policy: voyageStatusPolicy,
    errorDetails: voyageErrorDetails,
    contentType: JSON_WITHOUT_CHARSET,
  };
  const embedBatch = async (shared: CallContext, batch: string[]): Promise<number[][]> => {
    const answer = await client.postJson(shared, EMBEDDINGS_URL, embeddingsBody(shared, batch, inputType), reader.schema, options);
    const vectors = reader.vectors(answer, batch.length);
    if (!vectors) throw client.unreadable(shared, options, `the provider did not return ${batch.length} embeddings in input order`);
    return vectors;
  };
  const size = MODEL_BATCH_SIZES[settings(context).model_id] ?? DEFAULT_BATCH_SIZE;
  return client.batches({ context, items: input, size, kind: options.name, parameters: inputType, send: embedBatch });
}

/** The result shape of the endpoint's embedding type. */
export function embeddingResult(kind: VoyageVectorKind, vectors: number[][]): TextEmbeddingResult {
  const items = vectors.map((embedding) => ({ embedding }));
  if (kind === 'byte') return { text_embedding_bytes: items };
  if (kind === 'bit') return { text_embedding_bits: items };
  return { text_embedding: items };
}
