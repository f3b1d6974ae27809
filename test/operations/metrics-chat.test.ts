/** The tokens of a chat, from whichever service answers it: a streamed Anthropic chat's usage (its last chunk) is
 * counted under `gen_ai_client_token_usage` with Anthropic's GenAI system name. */
import { ANTHROPIC_API_KEY, startMockAnthropic } from '../providers/anthropic/mock-anthropic';
import { expectEventStream, postRaw } from '../support/assertions';
import type { MockProvider } from '../support/mock-provider/mock-server';
import { startTestServer, type TestServer } from '../support/server';

let mock: MockProvider;
let server: TestServer;

beforeAll(async () => {
  mock = await startMockAnthropic();
  server = await startTestServer({ upstreamOrigins: { anthropic: mock.url } });
});
afterAll(async () => {
  await server?.stop();
  await mock?.close();
});

test("a streamed chat's token usage is counted for its endpoint", async () => {
  const put = await server.call('PUT', '/_inference/chat_completion/metrics-claude', {
    service: 'anthropic',
    service_settings: { api_key: ANTHROPIC_API_KEY, model_id: 'claude-3-5-haiku-latest' },
    task_settings: { max_tokens: 64 },
  });
  expect(put.status).toBe(200);
  expectEventStream(await postRaw(server, '/_inference/chat_completion/metrics-claude/_stream', { messages: [{ role: 'user', content: 'Hello' }] }), 200);
  const text = (await server.call('GET', '/metrics')).text;
  const labels = 'gen_ai_system="anthropic",gen_ai_operation_name="chat",gen_ai_request_model="claude-3-5-haiku-latest",inference_id="metrics-claude"';
  const count = (type: string) => text.split('\n').find((line) => line.startsWith(`gen_ai_client_token_usage_count{${labels},gen_ai_token_type="${type}"}`));
  expect(count('input')).toMatch(/ 1$/);
  expect(count('output')).toMatch(/ 1$/);
  expect(text).not.toContain(ANTHROPIC_API_KEY);
});
