/** The shared provider contract for `azureopenai`, against its mock through INFERGATE_UPSTREAM_ORIGINS (which replaces
 * the `<resource>.openai.azure.com` host built from the settings). */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { AZURE_API_KEY, startMockAzureOpenAi } from './mock-azureopenai';

describeProviderContract({
  service: 'azureopenai',
  taskTypes: ['text_embedding', 'completion', 'chat_completion'],
  startMock: startMockAzureOpenAi,
  putBody: () => ({
    service: 'azureopenai',
    service_settings: { api_key: AZURE_API_KEY, resource_name: 'contoso', deployment_id: 'gpt-4o-deployment', api_version: '2024-10-21' },
  }),
  route: (taskType) => (taskType === 'text_embedding' ? 'embeddings' : 'chat'),
  secrets: [AZURE_API_KEY],
  // Azure's completion handler is its embeddings' (it retries a 429); its chat handler is OpenAI's unified one.
  retried: (taskType) => (taskType === 'chat_completion' ? [500, 503] : [500, 503, 429]),
});
