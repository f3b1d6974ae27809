/** The shared provider contract for `cohere`, against its mock through INFERGATE_UPSTREAM_ORIGINS. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { COHERE_API_KEY, startMockCohere } from './mock-cohere';

const MODELS: Record<string, string> = { text_embedding: 'embed-english-v3.0', rerank: 'rerank-english-v3.0', completion: 'command-a-03-2025' };

describeProviderContract({
  service: 'cohere',
  taskTypes: ['text_embedding', 'rerank', 'completion'],
  startMock: startMockCohere,
  putBody: (taskType) => ({ service: 'cohere', service_settings: { api_key: COHERE_API_KEY, model_id: MODELS[taskType] } }),
  route: (taskType) => (taskType === 'text_embedding' ? 'embed' : taskType === 'rerank' ? 'rerank' : 'chat'),
  secrets: [COHERE_API_KEY],
  // CohereResponseHandler retries a 500 and a 429 whatever the task (a 503 is not retried).
  retried: () => [500, 429],
});
