/**
 * GET /metrics (Prometheus text, prom-client) and request ids: HTTP requests by route and status; inference calls
 * per endpoint under the OpenTelemetry GenAI names with the provider's token counts; errors by error.type; retries
 * and upstream time; local deployments; no secret and no input in any label; X-Opaque-Id echoed and in every log
 * line of its request.
 */
import { DEFAULT_API_KEY, startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import { startTestServer, type TestServer } from '../support/server';

let mock: MockOpenAi;
let server: TestServer;

beforeAll(async () => {
  mock = await startMockOpenAi();
  server = await startTestServer({ upstreamOrigins: { openai: mock.url } });
});
afterAll(async () => {
  await server?.stop();
  await mock?.close();
});

/** The value of the sample `name{labels}` where every given label matches. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const body = line.slice(name.length);
    if (Object.entries(labels).every(([key, value]) => body.includes(`${key}="${value}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

const metrics = async () => {
  const response = await server.call('GET', '/metrics');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text;
};

const SECRET_INPUT = 'the-private-question-nobody-may-see';

test('a completion shows under the GenAI names, with its tokens, route and status', async () => {
  const put = await server.call('PUT', '/_inference/completion/metrics-chat', {
    service: 'openai',
    service_settings: { api_key: DEFAULT_API_KEY, model_id: 'gpt-4o-mini' },
  });
  expect(put.status).toBe(200);
  expect((await server.call('POST', '/_inference/completion/metrics-chat', { input: SECRET_INPUT })).status).toBe(200);

  const text = await metrics();
  const labels = { gen_ai_system: 'openai', gen_ai_operation_name: 'text_completion', gen_ai_request_model: 'gpt-4o-mini', inference_id: 'metrics-chat' };
  expect(sample(text, 'gen_ai_client_operation_duration_seconds_count', { ...labels, error_type: '' })).toBe(1);
  expect(sample(text, 'gen_ai_client_token_usage_count', { ...labels, gen_ai_token_type: 'input' })).toBe(1);
  expect(sample(text, 'gen_ai_client_token_usage_sum', { ...labels, gen_ai_token_type: 'output' })).toBeGreaterThan(0);
  expect(sample(text, 'infergate_inference_requests_total', { inference_id: 'metrics-chat', service: 'openai', task_type: 'completion' })).toBe(1);
  expect(sample(text, 'infergate_upstream_request_duration_seconds_count', { inference_id: 'metrics-chat' })).toBe(1);
  expect(
    sample(text, 'http_server_request_duration_seconds_count', {
      http_request_method: 'POST',
      http_route: '/_inference/completion/{inference_id}',
      http_response_status_code: '200',
    }),
  ).toBe(1);
  expect(sample(text, 'http_server_request_duration_seconds_count', { http_request_method: 'PUT', http_route: '/_inference/{task_type}/{inference_id}' })).toBe(1);
  expect(text).not.toContain(SECRET_INPUT);
  expect(text).not.toContain(DEFAULT_API_KEY);
  expect(text).toContain('process_cpu_seconds_total');
});

test('errors count by error.type; retried attempts count as retries', async () => {
  const put = await server.call('PUT', '/_inference/completion/metrics-errors', {
    service: 'openai',
    service_settings: { api_key: DEFAULT_API_KEY, model_id: 'gpt-4o-mini' },
  });
  expect(put.status).toBe(200);
  mock.enqueueFault('chat', { kind: 'status', status: 500 });
  expect((await server.call('POST', '/_inference/completion/metrics-errors', { input: 'x' })).status).toBe(200);
  mock.enqueueFault('chat', { kind: 'status', status: 400 });
  expect((await server.call('POST', '/_inference/completion/metrics-errors', { input: 'x' })).status).toBe(400);

  const text = await metrics();
  const ids = { inference_id: 'metrics-errors', service: 'openai', task_type: 'completion' };
  expect(sample(text, 'infergate_upstream_retries_total', ids)).toBe(1);
  expect(sample(text, 'infergate_inference_errors_total', { ...ids, error_type: 'status_exception' })).toBe(1);
  expect(sample(text, 'infergate_inference_requests_total', ids)).toBe(2);
  expect(sample(text, 'gen_ai_client_operation_duration_seconds_count', { inference_id: 'metrics-errors', error_type: 'status_exception' })).toBe(1);
});

test('an unknown route is counted as unmatched, not by its path', async () => {
  await server.call('GET', `/no/such/${SECRET_INPUT}`);
  const text = await metrics();
  expect(sample(text, 'http_server_request_duration_seconds_count', { http_route: 'unmatched', http_response_status_code: '400' })).toBeGreaterThanOrEqual(1);
  expect(text).not.toContain(SECRET_INPUT);
});

test('X-Opaque-Id is echoed and names every log line of its request; others get an id of their own', async () => {
  const before = server.logs.length;
  const answer = await server.call('POST', '/_inference/completion/metrics-chat', { input: 'hello' }, { 'X-Opaque-Id': 'trace-42' });
  expect(answer.status).toBe(200);
  expect(answer.headers.get('x-opaque-id')).toBe('trace-42');
  const plain = await server.call('GET', '/');
  expect(plain.headers.get('x-opaque-id')).toBeNull();
  const lines = server.logs.slice(before).map((line) => JSON.parse(line) as { request_id?: string; msg: string; path?: string });
  const ofRequest = lines.filter((line) => line.request_id === 'trace-42');
  expect(ofRequest.some((line) => line.msg === 'request' && line.path === '/_inference/completion/metrics-chat')).toBe(true);
  const root = lines.find((line) => line.msg === 'request' && line.path === '/');
  expect(root?.request_id).toMatch(/^[0-9a-f-]{36}$/);
});
