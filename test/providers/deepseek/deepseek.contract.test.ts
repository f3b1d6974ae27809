/** The shared provider contract for `deepseek`, against its mock through INFERGATE_UPSTREAM_ORIGINS. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { DEEPSEEK_API_KEY, startMockDeepSeek } from './mock-deepseek';

describeProviderContract({
  service: 'deepseek',
  taskTypes: ['completion', 'chat_completion'],
  startMock: startMockDeepSeek,
  putBody: () => ({ service: 'deepseek', service_settings: { api_key: DEEPSEEK_API_KEY, model_id: 'deepseek-chat' } }),
  route: () => 'chat',
  secrets: [DEEPSEEK_API_KEY],
  rateLimited: false,
});
