/** The shared provider contract for `googlevertexai`, against its mock through INFERGATE_UPSTREAM_ORIGINS: the
 * service's own origin (Vertex AI and Discovery Engine) and `google-oauth`, where the service account's signed JWT
 * is traded for the access token every request carries. */
import { describeProviderContract } from '../../support/contract/provider-contract';
import { SERVICE_ACCOUNT, startMockGoogleVertexAi } from './mock-googlevertexai';
import { SERVICE_ACCOUNT_KEY_ID } from './service-accounts';

const ROUTES = { text_embedding: 'predict', rerank: 'rank', completion: 'generate', chat_completion: 'generate' } as const;

describeProviderContract({
  service: 'googlevertexai',
  taskTypes: ['text_embedding', 'rerank', 'completion', 'chat_completion'],
  startMock: startMockGoogleVertexAi,
  putBody: (taskType) => {
    const common = { service_account_json: SERVICE_ACCOUNT.json, project_id: 'vertex-project-1' };
    const settings = taskType === 'rerank' ? common : { ...common, location: 'us-central1', model_id: taskType === 'text_embedding' ? 'text-embedding-005' : 'gemini-2.5-flash' };
    return { service: 'googlevertexai', service_settings: settings };
  },
  route: (taskType) => ROUTES[taskType as keyof typeof ROUTES],
  // The key file's field names and public values (project, email) are no secret; its private key and key id are.
  secrets: [SERVICE_ACCOUNT.privateKeyPem, SERVICE_ACCOUNT_KEY_ID],
  // GoogleVertexAiResponseHandler retries 500, 503 and 429 for every task type.
  retried: () => [500, 503, 429],
  authOrigins: (mock) => ({ 'google-oauth': mock.url }),
});
