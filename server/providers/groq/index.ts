/** The `groq` service (reference §8.20): chat_completion on Groq's OpenAI-compatible API, with OpenAI's `user` and
 * `headers` task settings and the `Groq-Organization` header. */
import type { CallContext } from '../../inference/call-context';
import { bearerAuth } from '../kit/auth-headers';
import { serviceSettings, taskSettings } from '../kit/settings';
import { openAiCompatibleProvider } from '../openai-compatible';
import type { InferenceProvider, ProviderDependencies } from '../types';

const CHAT_URL = 'https://api.groq.com/openai/v1/chat/completions';
const settings = (context: CallContext) => serviceSettings<'GroqServiceSettings'>(context);
const tasks = (context: CallContext) => taskSettings<'GroqTaskSettings'>(context);

function headers(context: CallContext): Record<string, string> {
  const organization = settings(context).organization_id;
  return { ...bearerAuth(context), ...(organization ? { 'Groq-Organization': organization } : {}) };
}

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  return openAiCompatibleProvider(http, {
    provider: 'groq',
    headers,
    chat: {
      url: (context) => settings(context).url ?? CHAT_URL,
      model: (context) => settings(context).model_id,
      tokenLimitField: 'max_completion_tokens',
      streamOptions: true,
      // Groq's request writes `user` last, and only a non-empty one.
      extraFields: (context) => (tasks(context).user ? { user: tasks(context).user } : {}),
      extraHeaders: (context) => tasks(context).headers ?? {},
      requestName: 'Groq chat completions',
    },
  });
}
