/** What is Groq's own (reference §8.20), as Elasticsearch's Groq classes send it. */
import { expectEventStream, postRaw } from '../../support/assertions';
import { createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { GROQ_API_KEY, startMockGroq } from './mock-groq';

const service = withMockedService('groq', startMockGroq);
const endpoint = (settings: Record<string, unknown> = {}, taskSettings?: Record<string, unknown>) => ({
  service: 'groq',
  service_settings: { api_key: GROQ_API_KEY, model_id: 'llama-3.3-70b-versatile', ...settings },
  ...(taskSettings ? { task_settings: taskSettings } : {}),
});
const chat = (id: string, body: Record<string, unknown> = {}) =>
  postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'hi' }], ...body });

test('PUT echoes the 1000 rpm default; the body keeps max_completion_tokens and asks for usage; user comes last', async () => {
  const id = newId('groq');
  const put = await createEndpoint(service, 'chat_completion', id, endpoint({}, { user: 'u-1' }));
  expect(put.json.service_settings).toEqual({ model_id: 'llama-3.3-70b-versatile', rate_limit: { requests_per_minute: 1000 } });
  expectEventStream(await chat(id, { max_completion_tokens: 7 }), 200);
  const sent = onlyRequest(service.mock, 'chat');
  expect(sent.path).toBe('/openai/v1/chat/completions');
  expect(sent.rawBody).toBe(
    '{"messages":[{"content":"hi","role":"user"}],"max_completion_tokens":7,"model":"llama-3.3-70b-versatile","n":1,"stream":true,"stream_options":{"include_usage":true},"user":"u-1"}',
  );
});

test('an empty user is not sent', async () => {
  const id = newId('groq-nouser');
  await createEndpoint(service, 'chat_completion', id, endpoint({}, { user: '' }));
  await chat(id);
  expect(onlyRequest(service.mock, 'chat').body).not.toHaveProperty('user');
});

test('organization_id is sent as Groq-Organization; custom headers go along but cannot replace the key', async () => {
  const id = newId('groq-org');
  await createEndpoint(service, 'chat_completion', id, endpoint({ organization_id: 'org-42' }, { headers: { 'X-Test': '1', authorization: 'Bearer stolen' } }));
  expectEventStream(await chat(id), 200);
  const { headers } = onlyRequest(service.mock, 'chat');
  expect(headers['groq-organization']).toBe('org-42');
  expect(headers['x-test']).toBe('1');
  expect(headers.authorization).toBe(`Bearer ${GROQ_API_KEY}`);
});

test('_services lists the URL default, the organization and the headers task setting', async () => {
  const listed = await service.server.call('GET', '/_inference/_services/chat_completion');
  const groq = listed.json.find((entry: { service: string }) => entry.service === 'groq');
  expect(groq.task_types).toEqual(['chat_completion']);
  expect(groq.configurations.url.default_value).toBe('https://api.groq.com/openai/v1/chat/completions');
  expect(groq.configurations.headers).toMatchObject({ type: 'map', updatable: true, required: false });
  expect(groq.configurations['rate_limit.requests_per_minute'].default_value).toBe(1000);
});
