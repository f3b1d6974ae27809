/** The shared provider contract for `fireworksai`, against its mock through INFERGATE_UPSTREAM_ORIGINS. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { FIREWORKS_API_KEY, startMockFireworks } from './mock-fireworksai';

describeProviderContract({
  service: 'fireworksai',
  taskTypes: ['text_embedding', 'completion', 'chat_completion'],
  startMock: startMockFireworks,
  putBody: (taskType) => ({
    service: 'fireworksai',
    service_settings: {
      api_key: FIREWORKS_API_KEY,
      model_id: taskType === 'text_embedding' ? 'fireworks/qwen3-embedding-8b' : 'accounts/fireworks/models/deepseek-v3p1',
    },
  }),
  route: (taskType) => (taskType === 'text_embedding' ? 'embeddings' : 'chat'),
  secrets: [FIREWORKS_API_KEY],
});
