/** The shared provider contract for `nvidia`, against its mock through INFERGATE_UPSTREAM_ORIGINS. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { NVIDIA_API_KEY, startMockNvidia } from './mock-nvidia';

const MODELS: Record<string, string> = {
  text_embedding: 'nvidia/llama-3.2-nv-embedqa-1b-v2',
  rerank: 'nv-rerank-qa-mistral-4b:1',
  completion: 'microsoft/phi-3-mini-128k-instruct',
  chat_completion: 'microsoft/phi-3-mini-128k-instruct',
};

describeProviderContract({
  service: 'nvidia',
  taskTypes: ['text_embedding', 'rerank', 'completion', 'chat_completion'],
  startMock: startMockNvidia,
  putBody: (taskType) => ({ service: 'nvidia', service_settings: { api_key: NVIDIA_API_KEY, model_id: MODELS[taskType] } }),
  route: (taskType) => (taskType === 'text_embedding' ? 'embeddings' : taskType === 'rerank' ? 'rerank' : 'chat'),
  secrets: [NVIDIA_API_KEY],
});
