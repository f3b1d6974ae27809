/** Groq's OpenAI-compatible API (https://console.groq.com/docs/api-reference): `/openai/v1/chat/completions`,
 * Bearer keys, OpenAI's error shape with Groq's messages. */
import { openAiErrorShape } from '../../support/mock-provider/openai-errors';
import { OpenAiWireMock, bearerKeys } from '../../support/mock-provider/openai-wire-mock';

export const GROQ_API_KEY = 'gsk_4b8d1f6a2c9e7b3d5f0a8c6e2b4d9f1a7c3e5b8d';

export function startMockGroq(): Promise<OpenAiWireMock> {
  return new OpenAiWireMock({
    name: 'groq',
    routes: { chat: '/openai/v1/chat/completions' },
    authorize: bearerKeys([GROQ_API_KEY], () => openAiErrorShape('Invalid API Key', 'invalid_request_error', 'invalid_api_key')),
    statusBody: (status) =>
      status === 429
        ? openAiErrorShape('Rate limit reached for model `llama-3.3-70b-versatile` on requests per minute (RPM): Limit 30, Used 30, Requested 1.', 'requests', 'rate_limit_exceeded')
        : undefined,
  }).listen();
}
