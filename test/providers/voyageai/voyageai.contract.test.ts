/** The shared provider contract for `voyageai`, against its mock through INFERGATE_UPSTREAM_ORIGINS. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { startMockVoyageAi, VOYAGE_API_KEY } from './mock-voyageai';

describeProviderContract({
  service: 'voyageai',
  taskTypes: ['text_embedding', 'rerank'],
  startMock: startMockVoyageAi,
  putBody: (taskType) => ({
    service: 'voyageai',
    service_settings: { api_key: VOYAGE_API_KEY, model_id: taskType === 'rerank' ? 'rerank-2' : 'voyage-3-large' },
  }),
  route: (taskType) => (taskType === 'rerank' ? 'rerank' : 'embeddings'),
  secrets: [VOYAGE_API_KEY],
  // VoyageAIResponseHandler retries a 500 and a 429, never a 503.
  retried: () => [500, 429],
});
