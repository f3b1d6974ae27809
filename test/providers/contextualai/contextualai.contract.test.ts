/** The shared provider contract for `contextualai`, against its mock through INFERGATE_UPSTREAM_ORIGINS. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { CONTEXTUAL_AI_KEY, startMockContextualAi } from './mock-contextualai';

describeProviderContract({
  service: 'contextualai',
  taskTypes: ['rerank'],
  startMock: startMockContextualAi,
  putBody: () => ({ service: 'contextualai', service_settings: { api_key: CONTEXTUAL_AI_KEY, model_id: 'ctxl-rerank-v2-instruct-multilingual' } }),
  route: () => 'rerank',
  secrets: [CONTEXTUAL_AI_KEY],
});
