/** The shared provider contract for `ai21`, against its mock through INFERGATE_UPSTREAM_ORIGINS. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { AI21_API_KEY, startMockAi21 } from './mock-ai21';

describeProviderContract({
  service: 'ai21',
  taskTypes: ['completion', 'chat_completion'],
  startMock: startMockAi21,
  putBody: () => ({ service: 'ai21', service_settings: { api_key: AI21_API_KEY, model_id: 'jamba-mini' } }),
  route: () => 'chat',
  secrets: [AI21_API_KEY],
});
