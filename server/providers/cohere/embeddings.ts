/**
 * Cohere's embed API as Elasticsearch's CohereV1/V2EmbeddingsRequest send it and CohereEmbeddingsResponseEntity reads
 * it: `{"texts","model","input_type","embedding_types":[<one>],"truncate"}` in batches of 96, and `embeddings` either
 * an array of float vectors or an object keyed by type (`float`, `int8`, `binary`: the first one found is used).
 */
import { z } from 'zod';
import { numberArray } from '../kit/number-array';
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient, RequestOptions } from '../kit/provider-client';
import { serviceSettings, taskSettings } from '../kit/settings';
import type { TextEmbeddingResult } from '../types';
import { apiVersionOf, cohereUrl, modelOf } from './api-version';
import { cohereErrorDetails, cohereStatusPolicy } from '../cohere-compatible/rerank';
import { cohereInputType } from './input-type';
import { withinTokenLimit } from '../kit/truncation';

/** Elasticsearch's EMBEDDING_MAX_BATCH_SIZE for Cohere (its API takes at most 96 texts a call). */
export const EMBEDDING_BATCH_SIZE = 96;

type ElementType = 'float' | 'byte' | 'bit';
/** The element type of each `embedding_type` (as stored), and the name Cohere's API gives it. */
const ELEMENT_TYPES: Readonly<Record<string, ElementType>> = { float: 'float', byte: 'byte', int8: 'byte', bit: 'bit', binary: 'bit' };
const REQUEST_NAMES: Readonly<Record<ElementType, string>> = { float: 'float', byte: 'int8', bit: 'binary' };
const RESULT_KEYS: Readonly<Record<ElementType, 'text_embedding' | 'text_embedding_bytes' | 'text_embedding_bits'>> = {
  float: 'text_embedding',
  byte: 'text_embedding_bytes',
  bit: 'text_embedding_bits',
};

export const elementTypeOf = (embeddingType: unknown): ElementType => ELEMENT_TYPES[String(embeddingType ?? 'float')] ?? 'float';

const vectors = z.array(numberArray());
const embedResponseSchema = z
  .object({ embeddings: z.union([vectors, z.record(z.unknown())]) })
  .describe('Failed to find required field [embeddings] in Cohere embeddings response');

const SUPPORTED = ['float', 'int8', 'binary'] as const;

/** The vectors and their element type, or what was wrong with them. */
function readEmbeddings(embeddings: z.infer<typeof embedResponseSchema>['embeddings']): { type: ElementType; vectors: number[][] } | string {
  if (Array.isArray(embeddings)) return { type: 'float', vectors: embeddings };
  const key = Object.keys(embeddings).find((name): name is (typeof SUPPORTED)[number] => (SUPPORTED as readonly string[]).includes(name));
  if (!key) return `Failed to find a supported embedding type in the Cohere embeddings response. Supported types are [${SUPPORTED.join(', ')}]`;
  const parsed = vectors.safeParse(embeddings[key]);
  if (!parsed.success) return `the [${key}] embeddings are not arrays of numbers`;
  const type: ElementType = key === 'float' ? 'float' : key === 'int8' ? 'byte' : 'bit';
  if (type !== 'float') {
    const outOfRange = parsed.data.flat().find((value) => !Number.isInteger(value) || value < -128 || value > 127);
    if (outOfRange !== undefined) return `Value [${outOfRange}] is out of range for a byte`;
  }
  return { type, vectors: parsed.data };
}

function embedBody(context: CallContext, texts: string[], inputType: string | undefined): Record<string, unknown> {
  const version = apiVersionOf(context);
  const settings = serviceSettings<'CohereEmbeddingServiceSettings'>(context);
  const { input_type: stored, truncate } = taskSettings<'CohereEmbeddingTaskSettings'>(context);
  const model = modelOf(context);
  const cohereType = cohereInputType(inputType, stored, version);
  return {
    texts,
    ...(model === undefined ? {} : { model }),
    ...(cohereType === undefined ? {} : { input_type: cohereType }),
    embedding_types: [REQUEST_NAMES[elementTypeOf(settings.embedding_type)]],
    ...(truncate === undefined ? {} : { truncate }),
  };
}

export async function cohereEmbeddings(client: ProviderClient, context: CallContext, input: string[], inputType?: string): Promise<TextEmbeddingResult> {
  const options: RequestOptions = {
    name: 'cohere text embedding',
    failedToSend: 'Failed to send Cohere embeddings request',
    policy: cohereStatusPolicy,
    errorDetails: cohereErrorDetails,
    contentType: 'application/json',
  };
  const url = cohereUrl(context, 'embed');
  const all = await client.batches({
    context,
    items: withinTokenLimit(context, input),
    size: EMBEDDING_BATCH_SIZE,
    kind: options.name,
    parameters: inputType,
    async send(shared, batch) {
      const answer = await client.postJson(shared, url, embedBody(shared, batch, inputType), embedResponseSchema, options);
      const read = readEmbeddings(answer.embeddings);
      if (typeof read === 'string') throw client.unreadable(shared, options, read);
      if (read.vectors.length !== batch.length) throw client.unreadable(shared, options, `the provider did not return ${batch.length} embeddings`);
      return read.vectors.map((embedding) => ({ type: read.type, embedding }));
    },
  });
  // The element type the (last) answer gave, as Elasticsearch reads it; the stored one when there was no input.
  const type = all.at(-1)?.type ?? elementTypeOf(serviceSettings<'CohereEmbeddingServiceSettings'>(context).embedding_type);
  return { [RESULT_KEYS[type]]: all.map(({ embedding }) => ({ embedding })) } as TextEmbeddingResult;
}
