/**
 * The `openshift_ai` service (reference §8.22): text_embedding, completion and chat_completion (streamed) on the
 * OpenAI-compatible API of a model served by OpenShift AI, and rerank on Cohere's wire, all at the endpoint's `url`.
 * Without `model_id` no request names a model (the deployment serves one).
 */
import type { CallContext } from '../../inference/call-context';
import { cohereErrorDetails, cohereRankedSchema, cohereRerankBody, cohereStatusPolicy, rankedDocuments } from '../cohere-compatible/rerank';
import { bearerAuth } from '../kit/auth-headers';
import { failedToSendTask } from '../kit/provider-error';
import { wholeBodyErrorDetails } from '../kit/error-details';
import { serviceSettings, taskSettings } from '../kit/settings';
import { openAiCompatibleProvider } from '../openai-compatible';
import { userSetDimensions } from '../openai-compatible/embedding-model';
import type { InferenceProvider, ProviderDependencies, RerankInput, RerankResult } from '../types';

/** Elasticsearch's EMBEDDING_MAX_BATCH_SIZE for OpenShift AI. */
const EMBEDDING_BATCH_SIZE = 20;
const JSON_WITHOUT_CHARSET = 'application/json';

const settings = (context: CallContext) => serviceSettings<'OpenShiftAiEmbeddingServiceSettings'>(context);
const failedToSend = failedToSendTask('OpenShift AI');
const model = (context: CallContext) => (settings(context).model_id === undefined ? {} : { model: settings(context).model_id });

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const provider = openAiCompatibleProvider(http, {
    provider: 'openshift_ai',
    headers: bearerAuth,
    errorDetails: wholeBodyErrorDetails('openshift_ai_error'),
    embeddingValidation: { defaultSimilarity: 'dot_product', userDimensionsMustMatch: true },
    embeddings: {
      url: (context) => settings(context).url,
      batchSize: EMBEDDING_BATCH_SIZE,
      requestName: 'OpenShift AI text embedding',
      failedToSend: (context) => failedToSend(context, 'text_embedding'),
      contentType: JSON_WITHOUT_CHARSET,
      body: (context, input) => ({
        input,
        ...model(context),
        ...userSetDimensions(context),
      }),
    },
    chat: {
      url: (context) => settings(context).url,
      model: (context) => settings(context).model_id,
      tokenLimitField: 'max_tokens',
      streamOptions: false,
      requestName: 'OpenShift AI completions',
      chatRequestName: 'OpenShift AI chat completions',
      failedToSend,
      contentType: JSON_WITHOUT_CHARSET,
    },
  });

  async function rerank(context: CallContext, { input, query, topN, returnDocuments }: RerankInput): Promise<RerankResult> {
    // Elasticsearch builds the rerank body from the stored endpoint, so a request's own task_settings do not reach it;
    // the request's top-level top_n and return_documents do.
    const stored = taskSettings<'OpenShiftAiRerankTaskSettings'>({ ...context, taskSettings: context.endpoint.taskSettings });
    const body = cohereRerankBody({
      model: settings(context).model_id,
      query,
      documents: input,
      topN: topN ?? stored.top_n,
      returnDocuments: returnDocuments ?? stored.return_documents,
    });
    const answer = await provider.client.postJson(context, settings(context).url, body, cohereRankedSchema, {
      name: 'OpenShift AI rerank',
      failedToSend: failedToSend(context, 'rerank'),
      policy: cohereStatusPolicy,
      errorDetails: cohereErrorDetails,
      contentType: JSON_WITHOUT_CHARSET,
    });
    return rankedDocuments(answer);
  }

  return { ...provider, rerank };
}
