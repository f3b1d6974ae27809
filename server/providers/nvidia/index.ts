/**
 * The `nvidia` service (reference §8.21): text_embedding, completion and chat_completion (streamed) on NVIDIA's
 * OpenAI-style APIs, and rerank on its reranking API. Elasticsearch quotes NVIDIA's whole error body (often
 * `{"error": "<text>"}` or plain text) as the message, typed `nvidia_error` on the chat route.
 */
import type { CallContext } from '../../inference/call-context';
import { bearerAuth } from '../kit/auth-headers';
import { failedToSendTask } from '../kit/provider-error';
import { wholeBodyErrorDetails } from '../kit/error-details';
import { serviceSettings, taskSettings } from '../kit/settings';
import { CONTENT_TOO_LARGE, openAiStatusPolicy, type StatusPolicy } from '../kit/status-policy';
import { openAiCompatibleProvider } from '../openai-compatible';
import type { InferenceProvider, ProviderDependencies } from '../types';
import { nvidiaRerank } from './nvidia-rerank';

/** Elasticsearch's EMBEDDING_MAX_BATCH_SIZE for NVIDIA: "conservatively small", the model being unknown. */
const EMBEDDING_BATCH_SIZE = 20;
const JSON_WITHOUT_CHARSET = 'application/json';

/** NvidiaEmbeddingsResponseHandler: NVIDIA's own words for an input over the model's window also mean "too large". */
const embeddingsPolicy: StatusPolicy = (response) =>
  response.status === 400 && response.body.includes('exceeds maximum allowed token size')
    ? { prefix: CONTENT_TOO_LARGE, retry: 'truncated' }
    : openAiStatusPolicy(response);

/** NVIDIA's `input_type`: the request's, else the task setting's, else `query`. */
function nvidiaInputType(requested: string | undefined, stored: string | undefined): 'passage' | 'query' {
  const inputType = requested && requested !== 'unspecified' ? requested : stored;
  return inputType === 'ingest' || inputType === 'internal_ingest' ? 'passage' : 'query';
}

const embeddingSettings = (context: CallContext) => serviceSettings<'NvidiaEmbeddingServiceSettings'>(context);
const embeddingTasks = (context: CallContext) => taskSettings<'NvidiaEmbeddingTaskSettings'>(context);
const failedToSend = failedToSendTask('Nvidia');

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const provider = openAiCompatibleProvider(http, {
    provider: 'nvidia',
    headers: bearerAuth,
    errorDetails: wholeBodyErrorDetails('nvidia_error'),
    embeddingValidation: { defaultSimilarity: 'dot_product', userDimensionsMustMatch: false },
    inputTypes: { kind: 'allowlist', values: ['ingest', 'search', 'internal_ingest', 'internal_search'], serviceName: 'Nvidia' },
    embeddings: {
      url: (context) => embeddingSettings(context).url!,
      batchSize: EMBEDDING_BATCH_SIZE,
      requestName: 'Nvidia text embedding',
      failedToSend: (context) => failedToSend(context, 'text_embedding'),
      policy: embeddingsPolicy,
      contentType: JSON_WITHOUT_CHARSET,
      body: (context, input, inputType) => {
        const { input_type: stored, truncate } = embeddingTasks(context);
        return { input, model: embeddingSettings(context).model_id, input_type: nvidiaInputType(inputType, stored), ...(truncate ? { truncate } : {}) };
      },
    },
    chat: {
      url: (context) => serviceSettings<'NvidiaChatServiceSettings'>(context).url!,
      model: (context) => serviceSettings<'NvidiaChatServiceSettings'>(context).model_id,
      tokenLimitField: 'max_tokens',
      streamOptions: false,
      requestName: 'Nvidia completions',
      chatRequestName: 'Nvidia chat completion',
      failedToSend,
      contentType: JSON_WITHOUT_CHARSET,
    },
  });
  return {
    ...provider,
    // NvidiaServiceIntegrationValidator validates with the endpoint's own input type, not Elasticsearch's ingest one.
    validationInputType: (context) => embeddingTasks(context).input_type,
    rerank: (context, input) => nvidiaRerank(provider.client, context, input),
  };
}
