/** The shared provider contract for `openshift_ai`, against its mock through INFERGATE_UPSTREAM_ORIGINS (the
 * endpoints' URLs name a cluster host that the origin override replaces). */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { OPENSHIFT_AI_TOKEN, startMockOpenShiftAi } from './mock-openshift-ai';

const PATHS: Record<string, string> = {
  text_embedding: '/v1/embeddings',
  rerank: '/v1/rerank',
  completion: '/v1/chat/completions',
  chat_completion: '/v1/chat/completions',
};

describeProviderContract({
  service: 'openshift_ai',
  taskTypes: ['text_embedding', 'rerank', 'completion', 'chat_completion'],
  startMock: startMockOpenShiftAi,
  putBody: (taskType) => ({
    service: 'openshift_ai',
    service_settings: { api_key: OPENSHIFT_AI_TOKEN, url: `https://model.apps.cluster.example${PATHS[taskType]}`, model_id: 'served-model' },
  }),
  route: (taskType) => (taskType === 'text_embedding' ? 'embeddings' : taskType === 'rerank' ? 'rerank' : 'chat'),
  secrets: [OPENSHIFT_AI_TOKEN],
  // Its rerank is Cohere's wire, whose handler retries a 429; the chat handlers do not.
  retried: (taskType) => (taskType === 'completion' || taskType === 'chat_completion' ? [500, 503] : [500, 429]),
});
