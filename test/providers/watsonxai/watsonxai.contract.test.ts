/** The shared provider contract for `watsonxai`, against its mock through INFERGATE_UPSTREAM_ORIGINS: the mock stands
 * for the watsonx.ai instance (the `url` host) and for IBM Cloud IAM (`ibm-iam`), whose tokens it checks. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { startMockWatsonxAi, WATSONX_API_KEY, WATSONX_PROJECT } from './mock-watsonxai';

const MODELS = { text_embedding: 'ibm/slate-30m-english-rtrvr', rerank: 'cross-encoder/ms-marco-minilm-l-12-v2' } as Record<string, string>;

describeProviderContract({
  service: 'watsonxai',
  taskTypes: ['text_embedding', 'rerank', 'completion', 'chat_completion'],
  startMock: startMockWatsonxAi,
  authOrigins: (mock) => ({ 'ibm-iam': mock.url }),
  putBody: (taskType) => ({
    service: 'watsonxai',
    service_settings: {
      api_key: WATSONX_API_KEY,
      url: 'us-south.ml.cloud.ibm.com',
      api_version: '2024-05-02',
      model_id: MODELS[taskType] ?? 'ibm/granite-3-8b-instruct',
      project_id: WATSONX_PROJECT,
    },
  }),
  route: (taskType) => (taskType === 'text_embedding' ? 'embeddings' : taskType === 'rerank' ? 'rerank' : 'chat'),
  secrets: [WATSONX_API_KEY],
  // IbmWatsonxResponseHandler retries a 500 only; the completion and chat handlers are OpenAI's chat ones.
  retried: (taskType) => (taskType === 'completion' || taskType === 'chat_completion' ? [500, 503] : [500]),
});
