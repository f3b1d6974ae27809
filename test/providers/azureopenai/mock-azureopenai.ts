/**
 * Azure OpenAI (https://learn.microsoft.com/azure/ai-services/openai/reference): OpenAI's wire under
 * `/openai/deployments/<deployment>/(embeddings|chat/completions)?api-version=...`, keys in `api-key` or Entra ID
 * Bearer tokens, Microsoft Entra's client-credentials token endpoint (`/<tenant>/oauth2/v2.0/token`), and Azure's
 * error body `{"error":{"code","message"}}`.
 */
import { randomBytes } from 'node:crypto';
import { sendJson, type Exchange, type JsonValue, type MockRoute } from '../../support/mock-provider/mock-server';
import { bearerToken } from '../../support/mock-provider/openai-errors';
import { OpenAiWireMock } from '../../support/mock-provider/openai-wire-mock';

export const AZURE_API_KEY = '4f9c2e7a1b8d3f6e0a5c9b2d7e1f4a8c';
export const AZURE_ENTRA_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.entra-token.Zm9v';
export const AZURE_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const AZURE_CLIENT = { id: 'b0e1c2d3-app', secret: 'Qq8~azureClientSecret.0123456789' };

const azureError = (code: string, message: string): JsonValue => ({ error: { code, message } });
const DENIED = azureError(
  '401',
  'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
);
const STATUS_BODIES: Record<number, JsonValue> = {
  400: azureError('BadRequest', "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference."),
  401: DENIED,
  404: azureError('DeploymentNotFound', 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.'),
  429: azureError('429', 'Requests to the Embeddings_Create Operation under Azure OpenAI API version 2024-02-01 have exceeded call rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second.'),
  500: azureError('InternalServerError', 'The server had an error while processing your request. Sorry about that!'),
};

const deploymentPath = (operation: string) => (path: string) => /^\/openai\/deployments\/[^/]+\//.test(path) && path.endsWith(`/${operation}`);
const deploymentOf = (exchange: Exchange) => exchange.recorded.path.split('/')[3];

export class MockAzureOpenAi extends OpenAiWireMock {
  /** Access tokens the token endpoint minted. */
  readonly minted = new Set<string>();
}

function authorize(mock: () => MockAzureOpenAi) {
  return (exchange: Exchange) => {
    if (!exchange.recorded.query['api-version']) return { status: 404, body: azureError('404', 'Resource not found') };
    const key = exchange.req.headers['api-key'];
    const bearer = bearerToken(exchange.req.headers.authorization);
    const accepted = key === AZURE_API_KEY || bearer === AZURE_ENTRA_TOKEN || (bearer !== undefined && mock().minted.has(bearer));
    return accepted ? undefined : { status: 401, body: DENIED };
  };
}

function tokenRoute(mock: MockAzureOpenAi): MockRoute {
  return {
    name: 'token',
    matches: (method, path) => method === 'POST' && path === `/${AZURE_TENANT}/oauth2/v2.0/token`,
    wrongShape: { token_type: 'Bearer' },
    handle({ res, recorded }) {
      const form = new URLSearchParams(recorded.rawBody);
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== AZURE_CLIENT.id || form.get('client_secret') !== AZURE_CLIENT.secret) {
        return sendJson(res, 401, {
          error: 'invalid_client',
          error_description: "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
        });
      }
      const token = randomBytes(24).toString('base64url');
      mock.minted.add(token);
      sendJson(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
    },
  };
}

export function startMockAzureOpenAi(): Promise<MockAzureOpenAi> {
  let self: MockAzureOpenAi | undefined;
  self = new MockAzureOpenAi({
    name: 'azureopenai',
    routes: { embeddings: deploymentPath('embeddings'), chat: deploymentPath('chat/completions') },
    extraRoutes: (mock) => [tokenRoute(mock as MockAzureOpenAi)],
    shape: (message, type, code) => azureError(String(code ?? type), message),
    authorize: authorize(() => self!),
    statusBody: (status) => STATUS_BODIES[status],
    // Azure sends what remains, not the limits.
    errorHeaders: (status): Record<string, string> => (status === 429 ? { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-remaining-tokens': '2400', 'retry-after': '1' } : {}),
    defaultModel: deploymentOf,
    settings: { defaultDimensions: 1536 },
  });
  return self.listen();
}
