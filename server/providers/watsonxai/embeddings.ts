/**
 * watsonx.ai's embeddings API as Elasticsearch's IbmWatsonxEmbeddingsRequestEntity sends it:
 * `{"inputs":[..],"model_id","project_id"}` in batches of 1000 (IbmWatsonxServiceFields.EMBEDDING_MAX_BATCH_SIZE),
 * inputs cut to `max_input_tokens` first; read by IbmWatsonxEmbeddingsResponseEntity (`results[*].embedding`).
 */
import { z } from 'zod';
import { numberArray } from '../kit/number-array';
import { serviceSettings } from '../kit/settings';
import type { EmbeddingsWire, VectorReader } from '../openai-compatible/embedding-model';
import { WATSONX_CONTENT_TYPE, watsonxErrorDetails, watsonxStatusPolicy, watsonxUrl } from './wire';

const embeddingsSchema = z
  .object({ results: z.array(z.object({ embedding: numberArray() }).passthrough()) })
  .describe('Failed to find required field [results] in IBM watsonx embeddings response');

const watsonxVectors: VectorReader<typeof embeddingsSchema> = {
  schema: embeddingsSchema,
  // watsonx answers in input order, without indexes.
  vectors: (answer, inputCount) => (answer.results.length === inputCount ? answer.results.map(({ embedding }) => embedding) : undefined),
};

export const watsonxEmbeddings: EmbeddingsWire = {
  url: (context) => watsonxUrl(context, 'embeddings'),
  batchSize: 1000,
  requestName: 'IBM Watsonx embeddings',
  body: (context, input) => {
    const { model_id: modelId, project_id: projectId } = serviceSettings<'WatsonxaiEmbeddingServiceSettings'>(context);
    return { inputs: input, model_id: modelId, project_id: projectId };
  },
  reader: watsonxVectors,
  policy: watsonxStatusPolicy,
  errorDetails: watsonxErrorDetails,
  contentType: WATSONX_CONTENT_TYPE,
};
