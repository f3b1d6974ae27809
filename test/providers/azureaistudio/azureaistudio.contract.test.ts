/** The shared provider contract for `azureaistudio` (serverless deployments: Cohere embeddings and rerank, a Meta
 * chat model), against its mock through INFERGATE_UPSTREAM_ORIGINS. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { AZURE_AI_STUDIO_KEY, startMockAzureAiStudio } from './mock-azureaistudio';

const DEPLOYMENTS = {
  text_embedding: { provider: 'cohere', target: 'https://my-cohere-embed.eastus2.models.ai.azure.com' },
  completion: { provider: 'meta', target: 'https://my-llama.eastus2.models.ai.azure.com' },
  rerank: { provider: 'cohere', target: 'https://my-cohere-rerank.eastus2.models.ai.azure.com/' },
} as const;

describeProviderContract({
  service: 'azureaistudio',
  taskTypes: ['text_embedding', 'completion', 'rerank'],
  startMock: startMockAzureAiStudio,
  putBody: (taskType) => ({
    service: 'azureaistudio',
    service_settings: { api_key: AZURE_AI_STUDIO_KEY, endpoint_type: 'token', ...DEPLOYMENTS[taskType as keyof typeof DEPLOYMENTS] },
  }),
  route: (taskType) => (taskType === 'text_embedding' ? 'embeddings' : taskType === 'rerank' ? 'rerank' : 'chat'),
  // AzureMistralOpenAiExternalResponseHandler retries 500, 503 and 429 for every task type.
  retried: () => [500, 503, 429],
  secrets: [AZURE_AI_STUDIO_KEY],
});
