/**
 * Google AI Studio's `:batchEmbedContents` as GoogleAiStudioEmbeddingsRequestEntity writes it and
 * GoogleAiStudioEmbeddingsResponseEntity reads it: one `{"model":"models/<id>","content":{"parts":[{"text"}]},
 * "outputDimensionality"?,"taskType"?}` per input, in batches of 100, answered with `embeddings[{values}]`.
 */
import { z } from 'zod';
import { numberArray } from '../kit/number-array';
import { validationException } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient } from '../kit/provider-client';
import { serviceSettings } from '../kit/settings';
import { OpenAiCompatibleEmbeddings, type VectorReader } from '../openai-compatible/embedding-model';
import { googleAiStudioErrorDetails, googleAiStudioStatusPolicy, methodUrl } from './wire';
import { GOOGLE_TASK_TYPES } from '../googlevertexai/embeddings';

/** GoogleAiStudioServiceFields.EMBEDDING_MAX_BATCH_SIZE: Google takes at most 100 requests in one batch. */
const BATCH_SIZE = 100;

/** The only model Elasticsearch lets a request give an input type for (GoogleAiStudioService.validateInputType). */
const MODEL_WITH_TASK_TYPE = 'embedding-001';
const REQUEST_INPUT_TYPES = ['ingest', 'search', 'classification', 'clustering'];
const INTERNAL_INPUT_TYPES = ['internal_ingest', 'internal_search'];


const settings = (context: CallContext) => serviceSettings<'GoogleAiStudioEmbeddingServiceSettings'>(context);

/** A request's `input_type`, as Elasticsearch checks it before the call: any of the allowlist for embedding-001, none
 * but the internal ones for every other model. */
export function checkGoogleInputType(context: CallContext, inputType: string | undefined): void {
  if (inputType === undefined || inputType === 'unspecified' || INTERNAL_INPUT_TYPES.includes(inputType)) return;
  const model = settings(context).model_id;
  if (model !== MODEL_WITH_TASK_TYPE) {
    throw validationException([`Invalid value [${inputType}] received. [input_type] is not allowed for model [${model}]`]);
  }
  if (!REQUEST_INPUT_TYPES.includes(inputType)) throw validationException([`Input type [${inputType}] is not supported for [Google AI Studio]`]);
}

function embeddingsBody(context: CallContext, input: string[], inputType: string | undefined): Record<string, unknown> {
  const { model_id: model, dimensions } = settings(context);
  const taskType = inputType === undefined ? undefined : GOOGLE_TASK_TYPES[inputType];
  return {
    requests: input.map((text) => ({
      model: `models/${model}`,
      content: { parts: [{ text }] },
      // The stored dimensions, the user's or those the validation call learned: Elasticsearch sends them always.
      ...(dimensions === undefined ? {} : { outputDimensionality: dimensions }),
      ...(taskType === undefined ? {} : { taskType }),
    })),
  };
}

const answerSchema = z
  .object({ embeddings: z.array(z.object({ values: numberArray() }).passthrough()) })
  .describe('Failed to find required field [embeddings] in Google AI Studio embeddings response');

/** Google answers the batch's embeddings in the order of its requests. */
const reader: VectorReader<typeof answerSchema> = {
  schema: answerSchema,
  vectors: (answer, inputCount) => (answer.embeddings.length === inputCount ? answer.embeddings.map((item) => item.values) : undefined),
};

export function googleAiStudioEmbeddings(client: ProviderClient): OpenAiCompatibleEmbeddings {
  return new OpenAiCompatibleEmbeddings(client, {
    url: (context) => methodUrl(context, 'batchEmbedContents'),
    batchSize: BATCH_SIZE,
    requestName: 'google ai studio embeddings',
    failedToSend: () => 'Failed to send Google AI Studio embeddings request',
    body: embeddingsBody,
    reader,
    policy: googleAiStudioStatusPolicy,
    errorDetails: googleAiStudioErrorDetails,
  });
}
