/** The shared provider contract for `custom`, against a generic JSON mock through INFERGATE_UPSTREAM_ORIGINS. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { customBody } from './bodies';
import { CUSTOM_API_KEY, startMockCustom } from './mock-custom';

describeProviderContract({
  service: 'custom',
  taskTypes: ['text_embedding', 'sparse_embedding', 'rerank', 'completion'],
  startMock: startMockCustom,
  putBody: (taskType) => customBody(taskType),
  route: (taskType) => ({ text_embedding: 'embeddings', sparse_embedding: 'sparse', rerank: 'rerank', completion: 'completion' })[taskType as string]!,
  secrets: [CUSTOM_API_KEY],
  // CustomResponseHandler is one handler for every task type: 429 is retried for completion too.
  retried: () => [500, 503, 429],
  streams: false,
});
