/** DeepSeek's chat completions API (https://api-docs.deepseek.com): OpenAI's wire at `/chat/completions`, Bearer
 * keys, and its error bodies (OpenAI's shape with DeepSeek's types and messages). */
import { OpenAiWireMock, bearerKeys } from '../../support/mock-provider/openai-wire-mock';
import { openAiErrorShape } from '../../support/mock-provider/openai-errors';

export const DEEPSEEK_API_KEY = 'sk-5f1c9a7e3b2d4086a1e7c3b9d2f40a68';

const DEEPSEEK_ERRORS: Record<number, [string, string]> = {
  400: ['Invalid request: messages is required', 'invalid_request_error'],
  401: ['Authentication Fails (no such user)', 'authentication_error'],
  402: ['Insufficient Balance', 'unknown_error'],
  422: ['Invalid parameters: temperature must be between 0 and 2', 'invalid_request_error'],
  429: ['Rate Limit Reached', 'rate_limit_error'],
  500: ['Server Error', 'server_error'],
  503: ['Server Overloaded', 'server_error'],
};

export function startMockDeepSeek(): Promise<OpenAiWireMock> {
  return new OpenAiWireMock({
    name: 'deepseek',
    routes: { chat: '/chat/completions' },
    authorize: bearerKeys([DEEPSEEK_API_KEY], () => openAiErrorShape(...DEEPSEEK_ERRORS[401], 'invalid_request_error')),
    statusBody: (status) => {
      const known = DEEPSEEK_ERRORS[status];
      return known ? openAiErrorShape(known[0], known[1], 'invalid_request_error') : undefined;
    },
  }).listen();
}
