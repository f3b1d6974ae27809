import { startMockOpenAi, type MockOpenAi, DEFAULT_API_KEY } from '../providers/openai/mock-openai';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
let mock: MockOpenAi;

beforeAll(async () => {
  mock = await startMockOpenAi();
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
  await mock.close();
});

test('an openai text_embedding endpoint is created, used and deleted', async () => {
  const put = await server.call('PUT', '/_inference/text_embedding/emb', {
    service: 'openai',
    service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: mock.embeddingsUrl },
  });
  expect(put.status).toBe(200);
  expect(put.json.service_settings).toEqual({
    model_id: 'text-embedding-3-small',
    url: mock.embeddingsUrl,
    rate_limit: { requests_per_minute: 3000 },
    similarity: 'dot_product',
    dimensions: 1536,
  });
  const result = await server.call('POST', '/_inference/text_embedding/emb', { input: ['a', 'b', 'c'] });
  expect(result.status).toBe(200);
  expect(result.json.text_embedding).toHaveLength(3);
  const del = await server.call('DELETE', '/_inference/emb');
  expect(del.json).toEqual({ acknowledged: true, pipelines: [], indexes: [] });
});
