/** The shared provider contract for `hugging_face`, against its mock through INFERGATE_UPSTREAM_ORIGINS (the
 * endpoints' URLs name an Inference Endpoint host that the origin override replaces). */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { HUGGING_FACE_TOKEN, startMockHuggingFace } from './mock-hugging-face';

const PATHS: Record<string, string> = {
  text_embedding: '/',
  rerank: '/rerank',
  completion: '/v1/chat/completions',
  chat_completion: '/v1/chat/completions',
};

const chat = (taskType: string) => taskType === 'completion' || taskType === 'chat_completion';

describeProviderContract({
  service: 'hugging_face',
  taskTypes: ['text_embedding', 'rerank', 'completion', 'chat_completion'],
  startMock: startMockHuggingFace,
  putBody: (taskType) => ({
    service: 'hugging_face',
    service_settings: { api_key: HUGGING_FACE_TOKEN, url: `https://abc123.us-east-1.aws.endpoints.huggingface.cloud${PATHS[taskType]}` },
  }),
  route: (taskType) => (taskType === 'text_embedding' ? 'embeddings' : taskType === 'rerank' ? 'rerank' : 'chat'),
  secrets: [HUGGING_FACE_TOKEN],
  // HuggingFaceResponseHandler retries a 502, 503 or 429 as a rate limit and no other status; the chat handlers are OpenAI's.
  retried: (taskType) => (chat(taskType) ? [500, 503] : [502, 503, 429]),
  retriedServerError: (taskType) =>
    chat(taskType) ? { status: 500, prefix: 'Received a server error status code' } : { status: 503, prefix: 'Received a rate limit status code' },
});
