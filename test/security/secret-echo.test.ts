/** A secret given with the wrong type (a number, an object, a list) or under a misspelt key is refused with
 * Elasticsearch's message, but the message never carries its value: on PUT and on `_update`. */
import { startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import { startTestServer, type TestServer } from '../support/server';

const SECRET_NUMBER = 987654321987654;
const SECRET_TEXT = 'sk-nested-secret-31415926535897';

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

const wrongTypedKeys: Array<[string, unknown]> = [
  ['a number', SECRET_NUMBER],
  ['an object', { key: SECRET_TEXT }],
  ['a list', [SECRET_TEXT]],
];

function expectNoSecret(body: string): void {
  expect(body).not.toContain(String(SECRET_NUMBER));
  expect(body).not.toContain(SECRET_TEXT);
  expect(body).not.toContain(SECRET_TEXT.slice(3, 20));
}

test.each(wrongTypedKeys)('PUT with api_key as %s: 400 naming api_key, without its value', async (_, apiKey) => {
  const response = await server.call('PUT', '/_inference/text_embedding/typed', {
    service: 'openai',
    service_settings: { api_key: apiKey, model_id: 'text-embedding-3-small', url: mock.embeddingsUrl },
  });
  expect(response.status).toBe(400);
  expect(response.json.error.type).toBe('validation_exception');
  expect(response.json.error.reason).toContain('field [api_key] is not of the expected type. The value [<redacted>]');
  expectNoSecret(response.text);
});

test('a misspelt secret key is reported without its value', async () => {
  const response = await server.call('PUT', '/_inference/text_embedding/typo', {
    service: 'openai',
    service_settings: { api_kye: SECRET_TEXT, api_key: 'sk-x', model_id: 'text-embedding-3-small', url: mock.embeddingsUrl },
  });
  expect(response.status).toBe(400);
  expect(response.json.error.reason).toContain('[{api_kye=<redacted>}] unknown to the [openai] service');
  expectNoSecret(response.text);
});

test.each(wrongTypedKeys)('_update with api_key as %s: 400 without its value', async (_, apiKey) => {
  const created = await server.call('PUT', '/_inference/text_embedding/updatable', {
    service: 'openai',
    service_settings: { api_key: 'sk-test-valid-key-0123456789abcdef', model_id: 'text-embedding-3-small', url: mock.embeddingsUrl },
  });
  expect([200, 400]).toContain(created.status);
  const response = await server.call('PUT', '/_inference/updatable/_update', { service_settings: { api_key: apiKey } });
  expect(response.status).toBe(400);
  expect(response.json.error.reason).toContain('[api_key]');
  expectNoSecret(response.text);
});

test('a wrong-typed setting that is not secret is still echoed, as Elasticsearch does', async () => {
  const response = await server.call('PUT', '/_inference/text_embedding/plain', {
    service: 'openai',
    service_settings: { api_key: 'sk-x', model_id: 4242, url: mock.embeddingsUrl },
  });
  expect(response.status).toBe(400);
  expect(response.json.error.reason).toContain('The value [4242]');
});

test.each(['secret', 'access_token', 'password'])('an unknown key named like a secret (%s) is not echoed', async (key) => {
  const response = await server.call('PUT', '/_inference/text_embedding/named', {
    service: 'openai',
    service_settings: { [key]: SECRET_TEXT, api_key: 'sk-x', model_id: 'text-embedding-3-small', url: mock.embeddingsUrl },
  });
  expect(response.status).toBe(400);
  expect(response.json.error.reason).toContain(`${key}=<redacted>`);
  expectNoSecret(response.text);
});
