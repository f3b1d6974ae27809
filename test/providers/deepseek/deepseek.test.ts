/** What is DeepSeek's own (reference §8.16), as Elasticsearch's DeepSeek classes send and read it. */
import { expectEventStream, expectSimpleEsError, framesOf, onlyErrorFrame, postRaw } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { DEEPSEEK_API_KEY, startMockDeepSeek } from './mock-deepseek';

const service = withMockedService('deepseek', startMockDeepSeek);
const settings = (extra: Record<string, unknown> = {}) => ({ api_key: DEEPSEEK_API_KEY, model_id: 'deepseek-chat', ...extra });
const put = (taskType: string, id: string, extra: Record<string, unknown> = {}) =>
  service.server.call('PUT', `/_inference/${taskType}/${id}`, { service: 'deepseek', service_settings: settings(extra) });

test('PUT: the validation call is a one-message completion to the default URL; GET shows no rate limit', async () => {
  const id = newId('ds');
  const created = await put('completion', id);
  expect(created.json).toEqual({ inference_id: id, task_type: 'completion', service: 'deepseek', service_settings: { model_id: 'deepseek-chat' } });
  const validation = onlyRequest(service.mock, 'chat');
  expect(validation.path).toBe('/chat/completions');
  expect(validation.rawBody).toBe('{"messages":[{"content":"how big","role":"user"}],"model":"deepseek-chat","n":1,"stream":false}');
  expect(validation.headers.authorization).toBe(`Bearer ${DEEPSEEK_API_KEY}`);
  expect(validation.headers['content-type']).toBe('application/json; charset=UTF-8');
});

test('chat: max_completion_tokens goes upstream as max_tokens, a usage chunk is asked for, the request model wins', async () => {
  const id = newId('ds-chat');
  await createEndpoint(service, 'chat_completion', id, { service: 'deepseek', service_settings: settings() });
  const response = await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, {
    messages: [{ role: 'user', content: 'hi' }],
    model: 'deepseek-reasoner',
    max_completion_tokens: 5,
    temperature: 0.5,
  });
  expectEventStream(response, 200);
  expect(onlyRequest(service.mock, 'chat').rawBody).toBe(
    '{"messages":[{"content":"hi","role":"user"}],"temperature":0.5,"max_tokens":5,"model":"deepseek-reasoner","n":1,"stream":true,"stream_options":{"include_usage":true}}',
  );
  expect(response.text).toContain('"usage":{');
});

test('a completion sends every input, as user messages of one conversation (no single-input rule for DeepSeek)', async () => {
  const id = newId('ds-multi');
  await createEndpoint(service, 'completion', id, { service: 'deepseek', service_settings: settings() });
  const result = await service.server.call('POST', `/_inference/completion/${id}`, { input: ['first', 'second'] });
  expect(result.json).toEqual({ completion: [{ result: 'Echo: second' }] });
  expect(bodyOf(onlyRequest(service.mock, 'chat')).messages).toEqual([
    { content: 'first', role: 'user' },
    { content: 'second', role: 'user' },
  ]);
});

test('`url` is the whole URL, used as given (here through the upstream origin) and shown by GET', async () => {
  const id = newId('ds-url');
  const created = await put('completion', id, { url: 'https://deepseek-gateway.example.internal/chat/completions' });
  expect(created.json.service_settings).toEqual({ model_id: 'deepseek-chat', url: 'https://deepseek-gateway.example.internal/chat/completions' });
  expect(onlyRequest(service.mock, 'chat').path).toBe('/chat/completions');
});

test('settings errors: the key is a required service setting; DeepSeek has no rate_limit', async () => {
  const missingKey = await service.server.call('PUT', `/_inference/completion/${newId('ds-nokey')}`, { service: 'deepseek', service_settings: { model_id: 'm' } });
  expectSimpleEsError(missingKey, 400, 'validation_exception', 'Validation Failed: 1: [service_settings] does not contain the required setting [api_key];');
  const rateLimit = await put('completion', newId('ds-rl'), { rate_limit: { requests_per_minute: 10 } });
  expectSimpleEsError(rateLimit, 400, 'status_exception', 'Model configuration contains settings [{rate_limit={requests_per_minute=10}}] unknown to the [deepseek] service');
  expect(service.mock.requests).toHaveLength(0);
});

test("chat errors carry DeepSeek's own type and code; a mid-stream error has no code when DeepSeek gave none", async () => {
  const id = newId('ds-err');
  await createEndpoint(service, 'chat_completion', id, { service: 'deepseek', service_settings: settings() });
  service.mock.enqueueFault('chat', { kind: 'status', status: 401 });
  const refused = await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'x' }] });
  expectEventStream(refused, 401);
  expect(onlyErrorFrame(refused)).toEqual({
    error: {
      code: 'invalid_request_error',
      message: `Received an authentication error status code for request from inference entity id [${id}] status [401]. Error message: [Authentication Fails (no such user)]`,
      type: 'authentication_error',
    },
  });

  service.mock.enqueueFault('chat', { kind: 'streamError', chunks: 1, message: 'Timed out waiting for more data' });
  const broken = await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'x' }] });
  expectEventStream(broken, 200);
  const last = framesOf(broken.text).at(-1)!;
  expect(last.event).toBe('error');
  expect(JSON.parse(last.data)).toEqual({
    error: { message: `Received an error response for request from inference entity id [${id}]. Error message: [Timed out waiting for more data]`, type: 'server_error' },
  });
});

test('_services: DeepSeek lists its URL with its default, and no rate limit', async () => {
  const listed = await service.server.call('GET', '/_inference/_services/completion');
  const deepseek = listed.json.find((entry: { service: string }) => entry.service === 'deepseek');
  expect(deepseek.name).toBe('DeepSeek');
  expect(deepseek.configurations.url).toMatchObject({ default_value: 'https://api.deepseek.com/chat/completions', required: false });
  expect(deepseek.configurations.api_key).toMatchObject({ required: true, sensitive: true, updatable: true });
  expect(Object.keys(deepseek.configurations)).not.toContain('rate_limit.requests_per_minute');
});
