/** The `ai21` service (reference §8.17): completion and chat_completion (both streamed) on AI21's chat completions
 * API. Elasticsearch quotes AI21's whole error body (`{"detail": ...}`) as the message, typed `ai21_error`. */
import type { CallContext } from '../../inference/call-context';
import { bearerAuth } from '../kit/auth-headers';
import { failedToSendTask } from '../kit/provider-error';
import { wholeBodyErrorDetails } from '../kit/error-details';
import { serviceSettings } from '../kit/settings';
import { openAiCompatibleProvider } from '../openai-compatible';
import type { InferenceProvider, ProviderDependencies } from '../types';

const CHAT_URL = 'https://api.ai21.com/studio/v1/chat/completions';

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  return openAiCompatibleProvider(http, {
    provider: 'ai21',
    headers: bearerAuth,
    errorDetails: wholeBodyErrorDetails('ai21_error'),
    chat: {
      url: () => CHAT_URL,
      model: (context: CallContext) => serviceSettings<'Ai21ServiceSettings'>(context).model_id,
      tokenLimitField: 'max_tokens',
      streamOptions: true,
      requestName: 'AI21 completions',
      failedToSend: failedToSendTask('AI21'),
      // Elasticsearch's AI21 request sets no charset.
      contentType: 'application/json',
    },
  });
}
