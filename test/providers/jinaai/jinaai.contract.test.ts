/** The shared provider contract for `jinaai`, against its mock through INFERGATE_UPSTREAM_ORIGINS. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { JINA_API_KEY, startMockJinaAi } from './mock-jinaai';

const MODELS: Record<string, string> = {
  text_embedding: 'jina-embeddings-v3',
  embedding: 'jina-embeddings-v4',
  rerank: 'jina-reranker-v2-base-multilingual',
};

describeProviderContract({
  service: 'jinaai',
  taskTypes: ['text_embedding', 'embedding', 'rerank'],
  startMock: startMockJinaAi,
  putBody: (taskType) => ({ service: 'jinaai', service_settings: { api_key: JINA_API_KEY, model_id: MODELS[taskType] } }),
  route: (taskType) => (taskType === 'rerank' ? 'rerank' : 'embeddings'),
  secrets: [JINA_API_KEY],
  // JinaAIResponseHandler retries a 500 and a 429, never a 503.
  retried: () => [500, 429],
});
