/** The shared provider contract for `alibabacloud-ai-search`, against its mock through INFERGATE_UPSTREAM_ORIGINS
 * (the endpoints' `host` is AI Search's; the origin override replaces it). */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { ALIBABA_API_KEY, startMockAlibaba } from './mock-alibabacloud-ai-search';

const SERVICE_IDS: Record<string, string> = {
  text_embedding: 'ops-text-embedding-001',
  sparse_embedding: 'ops-text-sparse-embedding-001',
  rerank: 'ops-bge-reranker-larger',
  completion: 'ops-qwen-turbo',
};
const ROUTES: Record<string, string> = { text_embedding: 'embeddings', sparse_embedding: 'sparse', rerank: 'rerank', completion: 'completion' };

describeProviderContract({
  service: 'alibabacloud-ai-search',
  taskTypes: ['text_embedding', 'sparse_embedding', 'rerank', 'completion'],
  startMock: startMockAlibaba,
  putBody: (taskType) => ({
    service: 'alibabacloud-ai-search',
    service_settings: {
      api_key: ALIBABA_API_KEY,
      service_id: SERVICE_IDS[taskType],
      host: 'default-j01.platform-cn-shanghai.opensearch.aliyuncs.com',
      workspace: 'default',
    },
  }),
  route: (taskType) => ROUTES[taskType],
  secrets: [ALIBABA_API_KEY],
  // AlibabaCloudSearchResponseHandler retries a 429 only.
  retried: () => [429],
  streams: false,
});
