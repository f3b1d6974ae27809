/** The shared provider contract for `openai`, against its mock through INFERGATE_UPSTREAM_ORIGINS. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { DEFAULT_API_KEY, startMockOpenAi } from './mock-openai';

describeProviderContract({
  service: 'openai',
  taskTypes: ['text_embedding', 'embedding', 'completion', 'chat_completion'],
  startMock: () => startMockOpenAi({ defaultDimensions: 8 }),
  putBody: (taskType) => ({
    service: 'openai',
    service_settings: { api_key: DEFAULT_API_KEY, model_id: taskType.includes('embedding') ? 'text-embedding-3-small' : 'gpt-4o-mini' },
  }),
  route: (taskType) => (taskType.includes('embedding') ? 'embeddings' : 'chat'),
  secrets: [DEFAULT_API_KEY],
});
