/** The `mistral` service (reference §8.8): text_embedding, completion and chat_completion (streamed) on Mistral's
 * API. Each task reads Mistral's errors as Elasticsearch's own handler for it does. */
import type { CallContext } from '../../inference/call-context';
import { bearerAuth } from '../kit/auth-headers';
import { failedToSendTask } from '../kit/provider-error';
import { wholeBodyErrorDetails } from '../kit/error-details';
import { serviceSettings } from '../kit/settings';
import { azureMistralStatusPolicy } from '../kit/status-policy';
import { openAiCompatibleProvider } from '../openai-compatible';
import { openAiErrorDetails } from '../openai-compatible/schemas';
import type { InferenceProvider, ProviderDependencies } from '../types';
import { mistralErrorDetails } from './mistral-errors';

const EMBEDDINGS_URL = 'https://api.mistral.ai/v1/embeddings';
const CHAT_URL = 'https://api.mistral.ai/v1/chat/completions';
/** MistralConstants.MAX_BATCH_SIZE: Mistral publishes no bound; Elasticsearch uses Cohere's. */
const EMBEDDING_BATCH_SIZE = 96;

const model = (context: CallContext) => serviceSettings<'MistralChatServiceSettings'>(context).model;

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  return openAiCompatibleProvider(http, {
    provider: 'mistral',
    headers: bearerAuth,
    errorDetails: mistralErrorDetails,
    // Mistral's embedding size is the model's: the returned one replaces any `dimensions` given.
    embeddingValidation: { defaultSimilarity: 'dot_product', userDimensionsMustMatch: false },
    embeddings: {
      url: () => EMBEDDINGS_URL,
      batchSize: EMBEDDING_BATCH_SIZE,
      requestName: 'Mistral embeddings',
      policy: azureMistralStatusPolicy,
      // Its embeddings handler reads only OpenAI's `error.message`, which Mistral's bodies do not have.
      errorDetails: openAiErrorDetails,
      body: (context, input) => ({ model: model(context), input, encoding_format: 'float' }),
    },
    chat: {
      url: () => CHAT_URL,
      model,
      tokenLimitField: 'max_tokens',
      streamOptions: false,
      requestName: 'Mistral completions',
      chatRequestName: 'Mistral chat completions',
      failedToSend: failedToSendTask('Mistral'),
      contentType: 'application/json',
      chatErrors: { errorDetails: wholeBodyErrorDetails('mistral_error') },
    },
  });
}
