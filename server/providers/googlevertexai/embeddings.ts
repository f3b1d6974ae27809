/**
 * Text embeddings as Elasticsearch's GoogleVertexAiEmbeddingsRequest sends them to a publisher model's `:predict`:
 * `{"instances":[{"content","task_type"}],"parameters":{"autoTruncate","outputDimensionality"}}` in batches of
 * `max_batch_size` (250), read from `predictions[*].embeddings.values` (GoogleVertexAiEmbeddingsResponseEntity).
 */
import { z } from 'zod';
import { numberArray } from '../kit/number-array';
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient } from '../kit/provider-client';
import { serviceSettings, taskSettings } from '../kit/settings';
import { OpenAiCompatibleEmbeddings, type VectorReader } from '../openai-compatible/embedding-model';
import type { TextEmbeddingResult } from '../types';
import { predictUrl } from './urls';
import { googleErrorDetails, googleVertexAiStatusPolicy } from './wire';

/** Vertex AI takes at most 250 instances a request (EMBEDDING_MAX_BATCH_SIZE). */
export const EMBEDDING_MAX_BATCH_SIZE = 250;

/** Google's `task_type` of each Elasticsearch input type (GoogleVertexAiEmbeddingsRequestEntity.convertToString;
 * Google AI Studio's convertToString says the same). */
export const GOOGLE_TASK_TYPES: Readonly<Record<string, string>> = {
  ingest: 'RETRIEVAL_DOCUMENT',
  internal_ingest: 'RETRIEVAL_DOCUMENT',
  search: 'RETRIEVAL_QUERY',
  internal_search: 'RETRIEVAL_QUERY',
  classification: 'CLASSIFICATION',
  clustering: 'CLUSTERING',
};

/** The input types a request may give (VALID_INPUT_TYPE_VALUES). */
export const REQUEST_INPUT_TYPES = Object.keys(GOOGLE_TASK_TYPES);

const predictionsSchema = z
  .object({ predictions: z.array(z.object({ embeddings: z.object({ values: numberArray() }) })) })
  .describe('Failed to find required field [predictions] in Google Vertex AI embeddings response');

const predictions: VectorReader<typeof predictionsSchema> = {
  schema: predictionsSchema,
  vectors: (answer, count) => (answer.predictions.length === count ? answer.predictions.map((p) => p.embeddings.values) : undefined),
};

/** The request's input type wins over the task setting's; `unspecified` is none. */
function taskTypeOf(requested: string | undefined, stored: string | undefined): string | undefined {
  const chosen = [requested?.toLowerCase(), stored].find((type) => type !== undefined && type !== 'unspecified');
  return chosen === undefined ? undefined : GOOGLE_TASK_TYPES[chosen];
}

function predictBody(context: CallContext, input: string[], inputType: string | undefined): Record<string, unknown> {
  const { auto_truncate: autoTruncate, input_type: stored } = taskSettings<'GoogleVertexAiEmbeddingTaskSettings'>(context);
  const taskType = taskTypeOf(inputType, stored);
  const dimensions = context.endpoint.internal.dimensions_set_by_user ? serviceSettings<'GoogleVertexAiEmbeddingServiceSettings'>(context).dimensions : undefined;
  const parameters = {
    ...(autoTruncate === undefined ? {} : { autoTruncate }),
    ...(dimensions === undefined ? {} : { outputDimensionality: dimensions }),
  };
  return {
    instances: input.map((content) => (taskType === undefined ? { content } : { content, task_type: taskType })),
    ...(Object.keys(parameters).length === 0 ? {} : { parameters }),
  };
}

export async function vertexEmbeddings(client: ProviderClient, context: CallContext, input: string[], inputType?: string): Promise<TextEmbeddingResult> {
  const batchSize = serviceSettings<'GoogleVertexAiEmbeddingServiceSettings'>(context).max_batch_size ?? EMBEDDING_MAX_BATCH_SIZE;
  const embeddings = new OpenAiCompatibleEmbeddings(client, {
    url: predictUrl,
    batchSize,
    requestName: 'Google Vertex AI embeddings',
    body: predictBody,
    reader: predictions,
    policy: googleVertexAiStatusPolicy,
    errorDetails: googleErrorDetails,
  });
  const vectors = await embeddings.embed(context, input, inputType);
  return { text_embedding: vectors.map((embedding) => ({ embedding })) };
}
