/** The shared provider contract for `anthropic`, against its mock through INFERGATE_UPSTREAM_ORIGINS. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { ANTHROPIC_API_KEY, startMockAnthropic } from './mock-anthropic';

describeProviderContract({
  service: 'anthropic',
  taskTypes: ['completion', 'chat_completion'],
  startMock: startMockAnthropic,
  putBody: () => ({ service: 'anthropic', service_settings: { api_key: ANTHROPIC_API_KEY, model_id: 'claude-sonnet-4-5' }, task_settings: { max_tokens: 1024 } }),
  route: () => 'messages',
  secrets: [ANTHROPIC_API_KEY],
  // AnthropicResponseHandler retries a 500, a 529 (overloaded) and a 429, on both routes.
  retried: () => [500, 529, 429],
});
