/** The server the api-errors and api-behaviour suites run against: the mock OpenAI, a server without validation
 * calls, and two endpoints (`existing-emb`, `existing-cmp`); `call` checks the product header on every answer. */
import { DEFAULT_API_KEY, startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import { startTestServer, type TestResponse, type TestServer } from '../support/server';

export const ctx = {} as { mock: MockOpenAi; server: TestServer };

/** Every response carries `X-Elastic-Product: Elasticsearch` (reference §1.1), so every call checks it. */
export async function call(method: string, pathAndQuery: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse> {
  const response = await ctx.server.call(method, pathAndQuery, body, headers);
  expect(response.headers.get('x-elastic-product')).toBe('Elasticsearch');
  return response;
}

/**
 * The first requests after `ctx.server.restart()` can land on keep-alive sockets that the stopped server closed (fetch
 * does not retry them): retried on such a transport failure only, never on an HTTP answer.
 */
export async function callAfterRestart(method: string, pathAndQuery: string, body?: unknown): Promise<TestResponse> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(method, pathAndQuery, body);
    } catch (error) {
      // fetch's TypeError comes from another realm than Jest's, hence no instanceof.
      if ((error as Error)?.message !== 'fetch failed' || attempt >= 5) throw error;
    }
  }
}

export const FAKE_URL = 'http://127.0.0.1:9/v1/embeddings';
export const settings = (extra: Record<string, unknown> = {}) => ({
  api_key: DEFAULT_API_KEY,
  model_id: 'text-embedding-3-small',
  url: FAKE_URL,
  ...extra,
});
export const openAi = (extra: Record<string, unknown> = {}) => ({ service: 'openai', service_settings: settings(), ...extra });
export const chunking = (chunkingSettings: Record<string, unknown>) => openAi({ chunking_settings: chunkingSettings });

export const STATUS = 'status_exception';
export const VALIDATION = 'validation_exception';
export const ACTION_VALIDATION = 'action_request_validation_exception';
export const NOT_FOUND = 'resource_not_found_exception';
export const invalidId = (id: string) =>
  `Validation Failed: 1: Invalid inference_id; '${id}' can contain lowercase alphanumeric (a-z and 0-9), hyphens or underscores; must start and end with alphanumeric;`;

/** Registers the suite's beforeAll/afterAll: the mock, the server and the two endpoints. */
export function useApiServer(): void {
  beforeAll(async () => {
    ctx.mock = await startMockOpenAi();
    ctx.server = await startTestServer({ skipValidation: true });
    const created = await Promise.all([
      call('PUT', '/_inference/text_embedding/existing-emb', {
        service: 'openai',
        service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: ctx.mock.embeddingsUrl },
      }),
      call('PUT', '/_inference/completion/existing-cmp', {
        service: 'openai',
        service_settings: { api_key: DEFAULT_API_KEY, model_id: 'gpt-4o-mini', url: ctx.mock.chatUrl },
      }),
    ]);
    expect(created.map((r) => r.status)).toEqual([200, 200]);
  });

  afterAll(async () => {
    await ctx.server?.stop();
    await ctx.mock?.close();
  });
}
