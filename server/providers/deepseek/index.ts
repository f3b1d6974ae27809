/** The `deepseek` service (reference §8.16): completion and chat_completion (both streamed) on DeepSeek's
 * OpenAI-compatible chat completions API, with the older `max_tokens` name and a usage chunk asked for. */
import type { CallContext } from '../../inference/call-context';
import { bearerAuth } from '../kit/auth-headers';
import { serviceSettings } from '../kit/settings';
import { openAiCompatibleProvider } from '../openai-compatible';
import type { InferenceProvider, ProviderDependencies } from '../types';

const CHAT_URL = 'https://api.deepseek.com/chat/completions';
const settings = (context: CallContext) => serviceSettings<'DeepSeekServiceSettings'>(context);

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  return openAiCompatibleProvider(http, {
    provider: 'deepseek',
    headers: bearerAuth,
    chat: {
      url: (context) => settings(context).url ?? CHAT_URL,
      model: (context) => settings(context).model_id,
      tokenLimitField: 'max_tokens',
      streamOptions: true,
      requestName: 'deepseek completions',
      chatRequestName: 'deepseek chat completions',
      // Elasticsearch sends every input of a DeepSeek completion, as user messages of one conversation.
      singleInput: false,
    },
  });
}
