/** What is AI21's own (reference §8.17), as Elasticsearch's AI21 classes send and read it. */
import { expectEventStream, expectSimpleEsError, onlyErrorFrame, postRaw } from '../../support/assertions';
import { createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { AI21_API_KEY, startMockAi21 } from './mock-ai21';

const service = withMockedService('ai21', startMockAi21);
const endpoint = (extra: Record<string, unknown> = {}) => ({ service: 'ai21', service_settings: { api_key: AI21_API_KEY, model_id: 'jamba-mini' }, ...extra });

test('a completion goes to the fixed URL with max_tokens and no charset; one input only', async () => {
  const id = newId('ai21');
  const put = await createEndpoint(service, 'completion', id, endpoint());
  expect(put.json.service_settings).toEqual({ model_id: 'jamba-mini', rate_limit: { requests_per_minute: 200 } });
  const result = await service.server.call('POST', `/_inference/completion/${id}`, { input: 'Hello' });
  expect(result.json).toEqual({ completion: [{ result: 'Echo: Hello' }] });
  const sent = onlyRequest(service.mock, 'chat');
  expect(sent.path).toBe('/studio/v1/chat/completions');
  expect(sent.headers['content-type']).toBe('application/json');
  expect(sent.rawBody).toBe('{"messages":[{"content":"Hello","role":"user"}],"model":"jamba-mini","n":1,"stream":false}');

  const two = await service.server.call('POST', `/_inference/completion/${id}`, { input: ['a', 'b'] });
  expectSimpleEsError(two, 400, 'status_exception', 'AI21 completions only accepts 1 input');
});

test("chat errors quote AI21's whole body, typed ai21_error", async () => {
  const id = newId('ai21-chat');
  await createEndpoint(service, 'chat_completion', id, endpoint());
  service.mock.enqueueFault('chat', { kind: 'status', status: 404 });
  const response = await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'x' }], max_completion_tokens: 3 });
  expectEventStream(response, 404);
  expect(onlyErrorFrame(response)).toEqual({
    error: {
      code: 'not_found',
      message: `Resource not found at [${service.mock.url}/studio/v1/chat/completions] for request from inference entity id [${id}] status [404]. Error message: [{"detail":"Not Found"}]`,
      type: 'ai21_error',
    },
  });
  expect(JSON.parse(onlyRequest(service.mock, 'chat').rawBody)).toMatchObject({ max_tokens: 3, stream: true, stream_options: { include_usage: true } });
});

test('an unreadable answer names the AI21 request that failed', async () => {
  const id = newId('ai21-bad');
  await createEndpoint(service, 'completion', id, endpoint());
  for (let i = 0; i < 3; i++) service.mock.enqueueFault('chat', { kind: 'wrongShape' });
  const result = await service.server.call('POST', `/_inference/completion/${id}`, { input: 'x' });
  expect(result.status).toBe(500);
  expect(result.json.error.reason).toBe(
    `Failed to send AI21 completion request from inference entity id [${id}]. Cause: Failed to find required field [choices] in OpenAI chat completions response`,
  );
});

test('AI21 has no task settings; _update may change its rate limit', async () => {
  const refused = await service.server.call('PUT', `/_inference/completion/${newId('ai21-ts')}`, endpoint({ task_settings: { temperature: 1 } }));
  expectSimpleEsError(refused, 400, 'status_exception', 'Model configuration contains settings [{temperature=1}] unknown to the [ai21] service');
  const id = newId('ai21-upd');
  await createEndpoint(service, 'completion', id, endpoint());
  const updated = await service.server.call('PUT', `/_inference/${id}/_update`, { service_settings: { rate_limit: { requests_per_minute: 20 } } });
  expect(updated.json.service_settings.rate_limit).toEqual({ requests_per_minute: 20 });
});
