/**
 * The `azureaistudio` service (reference §8.11): text_embedding, completion (streamed) and rerank on a model
 * deployed in Azure AI Foundry, at the endpoint's `target`. Embeddings are OpenAI's wire (the kit's); completion
 * and rerank bodies are Elasticsearch's own (completion.ts, rerank.ts). Every handler is Elasticsearch's
 * AzureMistralOpenAiExternalResponseHandler, whose errors quote OpenAI's `error.message` (ErrorMessageResponseEntity).
 */
import { ProviderClient } from '../kit/provider-client';
import { serviceSettings, taskSettings } from '../kit/settings';
import { azureMistralStatusPolicy } from '../kit/status-policy';
import { OpenAiCompatibleEmbeddings } from '../openai-compatible/embedding-model';
import { openAiErrorDetails } from '../openai-compatible/schemas';
import type { StoredEndpoint } from '../../store/endpoint-store';
import type { InferenceProvider, ProviderDependencies } from '../types';
import { completion, streamCompletion } from './completion';
import { authHeaders, checkCapabilities, deployment, requestUrl } from './deployment';
import { rerank } from './rerank';

/** OpenAiServiceFields.EMBEDDING_MAX_BATCH_SIZE, which Elasticsearch's chunker uses for this service. */
const EMBEDDING_BATCH_SIZE = 2048;
/** AzureAiStudioChatCompletionTaskSettings.DEFAULT_MAX_NEW_TOKENS. */
const DEFAULT_MAX_NEW_TOKENS = 64;

/** AzureAiStudioEmbeddingsRequestEntity's `input_type`: ingest as `document`, search as `query`, else none. */
function inputTypeField(inputType: string | undefined): { input_type?: string } {
  if (inputType === 'ingest' || inputType === 'internal_ingest') return { input_type: 'document' };
  if (inputType === 'search' || inputType === 'internal_search') return { input_type: 'query' };
  return {};
}

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const client = new ProviderClient(http, { provider: 'azureaistudio', headers: authHeaders, errorDetails: openAiErrorDetails });
  const embeddings = new OpenAiCompatibleEmbeddings(client, {
    url: (context) => requestUrl(context, 'text_embedding'),
    batchSize: EMBEDDING_BATCH_SIZE,
    requestName: 'Azure AI Studio embeddings',
    policy: azureMistralStatusPolicy,
    body: (context, input, inputType) => {
      const { user } = taskSettings<'AzureAiStudioEmbeddingTaskSettings'>(context);
      const { dimensions } = serviceSettings<'AzureAiStudioEmbeddingServiceSettings'>(context);
      return {
        input,
        ...(user === undefined ? {} : { user }),
        ...(context.endpoint.internal.dimensions_set_by_user && dimensions !== undefined ? { dimensions } : {}),
        ...inputTypeField(inputType),
      };
    },
  });
  // updateModelWithChatCompletionDetails: a completion endpoint that passes its validation call is stored with
  // max_new_tokens 64 when it has none (not when validation is skipped; the validation request itself goes without).
  const validating = new WeakSet<StoredEndpoint>();
  return {
    embeddingValidation: { defaultSimilarity: 'dot_product', userDimensionsMustMatch: true },
    inputTypes: { kind: 'allowlist', values: ['ingest', 'search', 'internal_ingest', 'internal_search'], serviceName: 'Azure AI Studio' },
    async prepareEndpoint(context, { start }) {
      const { provider, endpoint_type: endpointType } = deployment(context);
      const taskType = context.endpoint.taskType as 'text_embedding' | 'completion' | 'rerank';
      checkCapabilities(taskType, provider, endpointType);
      if (taskType === 'completion' && start) validating.add(context.endpoint);
      return context.endpoint.serviceSettings;
    },
    textEmbedding: async (context, { input, inputType }) => ({
      text_embedding: (await embeddings.embed(context, input, inputType)).map((embedding) => ({ embedding })),
    }),
    async completion(context, { input }) {
      const result = await completion(client, context, input);
      if (validating.delete(context.endpoint)) context.endpoint.taskSettings.max_new_tokens ??= DEFAULT_MAX_NEW_TOKENS;
      return result;
    },
    streamCompletion: (context, { input }) => streamCompletion(client, context, input),
    rerank: (context, input) => rerank(client, context, input),
  };
}
