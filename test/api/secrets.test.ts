/** Secrets are write-only: neither the key nor any 8-character piece of it may appear in a response or a log line,
 * whatever the path — PUT, GET, _update, inference, provider errors that quote the key, streams. */
import { DEFAULT_API_KEY, startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import { leaks } from '../support/assertions';
import { startTestServer, type TestServer } from '../support/server';

const WRONG_KEY = 'sk-wrongkey-9f8e7d6c5b4a3210fedcba98';
const ROTATED_KEY = 'sk-test-valid-key-0123456789abcdef';

let server: TestServer;
let mock: MockOpenAi;

beforeAll(async () => {
  mock = await startMockOpenAi({ apiKeys: [DEFAULT_API_KEY, ROTATED_KEY] });
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
  await mock.close();
});

test('no key or fragment of a key leaves the server', async () => {
  const settings = { api_key: WRONG_KEY, model_id: 'gpt-4o-mini', url: mock.chatUrl };
  // The validation call fails with OpenAI's 401, whose message quotes part of the key.
  const refused = await server.call('PUT', '/_inference/completion/leaky', { service: 'openai', service_settings: settings });
  expect(refused.status).toBe(400);
  expect(refused.json.error.caused_by.reason).toContain('Received an authentication error status code');

  const created = await server.call('PUT', '/_inference/completion/chat', {
    service: 'openai',
    service_settings: { ...settings, api_key: DEFAULT_API_KEY },
  });
  expect(created.status).toBe(200);
  await server.call('GET', '/_inference/chat');
  await server.call('GET', '/_inference');
  await server.call('POST', '/_inference/completion/chat', { input: 'hello' });
  await server.call('POST', '/_inference/completion/chat/_stream', { input: 'hello' });

  // Rotate to a key the provider refuses: inference errors quote it too.
  const rotated = await server.call('PUT', '/_inference/chat/_update', { service_settings: { api_key: WRONG_KEY } });
  expect(rotated.status).toBe(200);
  const failed = await server.call('POST', '/_inference/completion/chat', { input: 'hello' });
  expect(failed.status).toBe(401);
  expect(failed.json.error.reason).toContain('Incorrect API key provided');
  const failedStream = await server.call('POST', '/_inference/completion/chat/_stream', { input: 'hello' });
  expect(failedStream.status).toBe(401);
  expect(failedStream.text).toContain('event: error');

  const everything = [...server.bodies, ...server.logs];
  expect(leaks(everything, WRONG_KEY)).toEqual([]);
  expect(leaks(everything, DEFAULT_API_KEY)).toEqual([]);
  // The checks above have teeth: the mock really did receive the keys.
  expect(mock.requests.some((request) => String(request.headers.authorization).includes(WRONG_KEY))).toBe(true);
});
