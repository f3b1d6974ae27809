/** The `fireworksai` service (reference §8.23): text_embedding, completion and chat_completion (streamed) on Fireworks
 * AI's OpenAI-compatible API. Its embeddings have a handler of their own (FireworksAiResponseHandler). */
import type { CallContext } from '../../inference/call-context';
import { bearerAuth } from '../kit/auth-headers';
import { serviceSettings, taskSettings } from '../kit/settings';
import { AUTHENTICATION, RATE_LIMIT, REDIRECTION, SERVER_ERROR, UNSUCCESSFUL, type StatusPolicy } from '../kit/status-policy';
import { openAiCompatibleProvider } from '../openai-compatible';
import { userSetDimensions } from '../openai-compatible/embedding-model';
import type { InferenceProvider, ProviderDependencies } from '../types';

const CHAT_URL = 'https://api.fireworks.ai/inference/v1/chat/completions';
/** Elasticsearch's EMBEDDING_MAX_BATCH_SIZE for Fireworks AI, "enforced by the embeddings server". */
const EMBEDDING_BATCH_SIZE = 256;

/** FireworksAiResponseHandler: 500 and 429 are retried (a 503 is not), any other 4xx but 401 is "unsuccessful". */
const fireworksEmbeddingsPolicy: StatusPolicy = ({ status }) => {
  if (status === 500) return { prefix: SERVER_ERROR, retry: 'yes' };
  if (status > 500) return { prefix: SERVER_ERROR, retry: 'no' };
  if (status === 429) return { prefix: RATE_LIMIT, retry: 'yes' };
  if (status === 401) return { prefix: AUTHENTICATION, retry: 'no' };
  if (status >= 300 && status < 400) return { prefix: REDIRECTION, retry: 'no' };
  return { prefix: UNSUCCESSFUL, retry: 'no' };
};

const embeddingSettings = (context: CallContext) => serviceSettings<'FireworksAiEmbeddingServiceSettings'>(context);
const chatSettings = (context: CallContext) => serviceSettings<'FireworksAiChatServiceSettings'>(context);
const tasks = (context: CallContext) => taskSettings<'FireworksAiChatTaskSettings'>(context);

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  return openAiCompatibleProvider(http, {
    provider: 'fireworksai',
    headers: bearerAuth,
    embeddingValidation: { defaultSimilarity: 'cosine', userDimensionsMustMatch: true },
    embeddings: {
      // The stored default stands in when no URL was given.
      url: (context) => embeddingSettings(context).url!,
      batchSize: EMBEDDING_BATCH_SIZE,
      requestName: 'FireworksAI embeddings',
      policy: fireworksEmbeddingsPolicy,
      body: (context, input) => ({
        input,
        model: embeddingSettings(context).model_id,
        ...userSetDimensions(context),
      }),
    },
    chat: {
      url: (context) => chatSettings(context).url ?? CHAT_URL,
      model: (context) => chatSettings(context).model_id,
      tokenLimitField: 'max_completion_tokens',
      streamOptions: true,
      extraFields: (context) => (tasks(context).user ? { user: tasks(context).user } : {}),
      extraHeaders: (context) => tasks(context).headers ?? {},
      requestName: 'FireworksAI chat completions',
    },
  });
}
