/** The shared provider contract for `hugging_face_elser`, against its mock through INFERGATE_UPSTREAM_ORIGINS. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { HUGGING_FACE_TOKEN, startMockHuggingFaceElser } from './mock-hugging-face';

describeProviderContract({
  service: 'hugging_face_elser',
  taskTypes: ['sparse_embedding'],
  startMock: startMockHuggingFaceElser,
  putBody: () => ({ service: 'hugging_face_elser', service_settings: { api_key: HUGGING_FACE_TOKEN, url: 'https://elser.eu-west-1.aws.endpoints.huggingface.cloud' } }),
  route: () => 'elser',
  secrets: [HUGGING_FACE_TOKEN],
  retried: () => [502, 503, 429],
  retriedServerError: () => ({ status: 503, prefix: 'Received a rate limit status code' }),
});
