/** The shared provider contract for `amazon_sagemaker` (the `elastic` api, which serves every task type), against its
 * mock through INFERGATE_UPSTREAM_ORIGINS. SageMaker's failures are worded as Elasticsearch's SageMakerSchema words
 * the SDK's exceptions, the SDK retries (429, 5xx) and there is no rate_limit. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { SAGEMAKER_KEY, startMockSageMaker } from './mock-sagemaker';

/** What the mock's error types for these statuses become (errors.ts). */
const ANSWERS: Record<number, [number, string]> = {
  401: [500, 'Received an error from SageMaker for [{id}]'],
  404: [500, 'Received an error from SageMaker for [{id}]'],
  500: [500, 'Received an internal failure from SageMaker for [{id}]'],
};

describeProviderContract({
  service: 'amazon_sagemaker',
  taskTypes: ['text_embedding', 'sparse_embedding', 'rerank', 'completion', 'chat_completion'],
  startMock: startMockSageMaker,
  putBody: (taskType) => ({
    service: 'amazon_sagemaker',
    service_settings: {
      access_key: SAGEMAKER_KEY.accessKeyId,
      secret_key: SAGEMAKER_KEY.secretAccessKey,
      region: SAGEMAKER_KEY.region,
      api: 'elastic',
      endpoint_name: `elastic-${taskType.replace(/_/g, '-')}`,
      ...(taskType === 'text_embedding' ? { element_type: 'float' } : {}),
    },
  }),
  route: () => 'invocations',
  secrets: [SAGEMAKER_KEY.accessKeyId, SAGEMAKER_KEY.secretAccessKey],
  retried: () => [429, 500, 502, 503, 504],
  rateLimited: false,
  failures: {
    answer: (id, status) => {
      const [answered, reason] = ANSWERS[status];
      return { status: answered, reason: reason.replace('{id}', id) };
    },
    unreadable: { attempts: 1, reason: /^Failed to translate SageMaker response for \[%s\]$/ },
  },
});
