/** The shared provider contract for `mistral`, against its mock through INFERGATE_UPSTREAM_ORIGINS. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { MISTRAL_API_KEY, startMockMistral } from './mock-mistral';

describeProviderContract({
  service: 'mistral',
  taskTypes: ['text_embedding', 'completion', 'chat_completion'],
  startMock: startMockMistral,
  putBody: (taskType) => ({
    service: 'mistral',
    service_settings: { api_key: MISTRAL_API_KEY, model: taskType === 'text_embedding' ? 'mistral-embed' : 'mistral-small-latest' },
  }),
  route: (taskType) => (taskType === 'text_embedding' ? 'embeddings' : 'chat'),
  secrets: [MISTRAL_API_KEY],
});
