/** The `openai` service (reference §8.1): OpenAI, or any server that speaks its API at the endpoint's `url`. What is
 * OpenAI's own lives here (organization, OAuth2, the `user` and `headers` task settings); the wire is shared. */
import type { CallContext } from '../../inference/call-context';
import { serviceSettings, taskSettings } from '../kit/settings';
import { openAiCompatibleProvider } from '../openai-compatible';
import { userSetDimensions } from '../openai-compatible/embedding-model';
import type { InferenceProvider, ProviderDependencies } from '../types';
import { OpenAiAuth } from './openai-auth';

const EMBEDDINGS_URL = 'https://api.openai.com/v1/embeddings';
const CHAT_URL = 'https://api.openai.com/v1/chat/completions';
/** Elasticsearch's EMBEDDING_MAX_BATCH_SIZE for OpenAI (also the API's limit of inputs per request). */
const EMBEDDING_BATCH_SIZE = 2048;

const embeddingSettings = (context: CallContext) => serviceSettings<'OpenAiEmbeddingServiceSettings'>(context);
const chatSettings = (context: CallContext) => serviceSettings<'OpenAiChatServiceSettings'>(context);
const tasks = (context: CallContext) => taskSettings<'OpenAiTaskSettings'>(context);
/** `user` when set: Elasticsearch writes it last, only when there is one. */
const user = (context: CallContext) => (tasks(context).user !== undefined ? { user: tasks(context).user } : {});
const extraHeaders = (context: CallContext) => tasks(context).headers ?? {};

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const auth = new OpenAiAuth();
  const provider = openAiCompatibleProvider(http, {
    provider: 'openai',
    headers: (context) => auth.headers(context, provider.client),
    onAuthenticationFailure: (context) => auth.rejected(context),
    embeddingValidation: { defaultSimilarity: 'dot_product', userDimensionsMustMatch: true },
    embeddings: {
      url: (context) => embeddingSettings(context).url ?? EMBEDDINGS_URL,
      batchSize: EMBEDDING_BATCH_SIZE,
      requestName: 'OpenAI embeddings',
      extraHeaders,
      body: (context, input) => ({
        input,
        model: embeddingSettings(context).model_id,
        ...user(context),
        ...userSetDimensions(context),
      }),
    },
    chat: {
      url: (context) => chatSettings(context).url ?? CHAT_URL,
      model: (context) => chatSettings(context).model_id,
      tokenLimitField: 'max_completion_tokens',
      streamOptions: true,
      extraFields: user,
      extraHeaders,
      requestName: 'OpenAI chat completions',
    },
  });
  return {
    ...provider,
    endpointUpdated: async (endpoint) => auth.forgetEndpoint(endpoint.inferenceId),
    endpointRemoved: async (endpoint) => auth.forgetEndpoint(endpoint.inferenceId),
  };
}
