/** SIGTERM's path (`stop()`): in-flight requests and streams finish, new connections are refused. */
import { DEFAULT_API_KEY, startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
let mock: MockOpenAi;

beforeAll(async () => {
  mock = await startMockOpenAi({ chunkDelayMs: 40 });
  server = await startTestServer({ skipValidation: true });
});
afterAll(async () => {
  await mock.close();
});

test('a stream in flight ends cleanly with [DONE] during shutdown', async () => {
  const put = await server.call('PUT', '/_inference/completion/slow', {
    service: 'openai',
    service_settings: { api_key: DEFAULT_API_KEY, model_id: 'gpt-4o-mini', url: mock.chatUrl },
  });
  expect(put.status).toBe(200);
  const url = server.url;
  const response = await fetch(`${url}/_inference/completion/slow/_stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input: 'one two three four five six seven eight' }),
  });
  const reader = response.body!.getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value)).toContain('event: message');

  const stopped = server.stop();
  let rest = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += new TextDecoder().decode(value);
  }
  await stopped;
  expect(rest.endsWith('data: [DONE]\n\n')).toBe(true);
  await expect(fetch(`${url}/`)).rejects.toThrow();
});
