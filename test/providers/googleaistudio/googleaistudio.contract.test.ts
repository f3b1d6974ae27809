/** The shared provider contract for `googleaistudio`, against its mock through INFERGATE_UPSTREAM_ORIGINS. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { GOOGLE_API_KEY, startMockGoogleAiStudio } from './mock-googleaistudio';

describeProviderContract({
  service: 'googleaistudio',
  taskTypes: ['text_embedding', 'completion'],
  startMock: startMockGoogleAiStudio,
  putBody: (taskType) => ({
    service: 'googleaistudio',
    service_settings: { api_key: GOOGLE_API_KEY, model_id: taskType === 'completion' ? 'gemini-1.5-flash' : 'text-embedding-004' },
  }),
  route: (taskType) => (taskType === 'completion' ? 'generate' : 'embeddings'),
  secrets: [GOOGLE_API_KEY],
  // GoogleAiStudioResponseHandler retries a 500, a 503 and a 429, for embeddings and completion alike.
  retried: () => [500, 503, 429],
});
