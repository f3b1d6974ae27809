/** The shared provider contract for `llama`, against its mock through INFERGATE_UPSTREAM_ORIGINS. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { LLAMA_API_KEY, startMockLlama } from './mock-llama';

describeProviderContract({
  service: 'llama',
  taskTypes: ['text_embedding', 'completion', 'chat_completion'],
  startMock: startMockLlama,
  putBody: (taskType) => ({
    service: 'llama',
    service_settings:
      taskType === 'text_embedding'
        ? { url: 'http://llama-stack.internal:8321/v1/inference/embeddings', model_id: 'all-MiniLM-L6-v2', api_key: LLAMA_API_KEY }
        : { url: 'http://llama-stack.internal:8321/v1/openai/v1/chat/completions', model_id: 'llama3.2:3b', api_key: LLAMA_API_KEY },
  }),
  route: (taskType) => (taskType === 'text_embedding' ? 'embeddings' : 'chat'),
  secrets: [LLAMA_API_KEY],
});
