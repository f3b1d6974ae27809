/** AI21's chat completions API (https://docs.ai21.com/reference/jamba-1-6-api-ref): `/studio/v1/chat/completions`,
 * Bearer keys, and its FastAPI-style error bodies `{"detail": "..."}`. */
import type { JsonValue } from '../../support/mock-provider/mock-server';
import type { ErrorShape } from '../../support/mock-provider/openai-errors';
import { OpenAiWireMock, bearerKeys } from '../../support/mock-provider/openai-wire-mock';

export const AI21_API_KEY = '8f2c6a1e-4b7d-4e9a-b3c5-0d1f2e3a4b5c';

const ai21Shape: ErrorShape = (message) => ({ detail: message });

const AI21_ERRORS: Record<number, string> = {
  401: 'Forbidden: Bad or missing Apikey/JWT.',
  404: 'Not Found',
  422: 'The provided model is not supported. See https://docs.ai21.com/docs/jamba-foundation-models#api-versioning for a list of supported models',
  429: 'Too many requests',
  500: 'Internal Server Error',
};

export function startMockAi21(): Promise<OpenAiWireMock> {
  return new OpenAiWireMock({
    name: 'ai21',
    routes: { chat: '/studio/v1/chat/completions' },
    shape: ai21Shape,
    authorize: bearerKeys([AI21_API_KEY], () => ai21Shape(AI21_ERRORS[401], '')),
    statusBody: (status): JsonValue => ({ detail: AI21_ERRORS[status] ?? `Request failed with status ${status}` }),
  }).listen();
}
