/** What is Fireworks AI's own (reference §8.23), as Elasticsearch's Fireworks AI classes send and read it. */
import { expectEsError, expectEventStream, postRaw } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { FIREWORKS_API_KEY, startMockFireworks } from './mock-fireworksai';

const service = withMockedService('fireworksai', startMockFireworks);
const endpoint = (model: string, settings: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  service: 'fireworksai',
  service_settings: { api_key: FIREWORKS_API_KEY, model_id: model, ...settings },
  ...extra,
});

test('text_embedding: the default URL is stored, similarity defaults to cosine, and a user-set dimensions is sent', async () => {
  const id = newId('fw-emb');
  const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint('nomic-ai/nomic-embed-text-v1.5', { dimensions: 16 }));
  expect(put.json.service_settings).toEqual({
    model_id: 'nomic-ai/nomic-embed-text-v1.5',
    url: 'https://api.fireworks.ai/inference/v1/embeddings',
    dimensions: 16,
    rate_limit: { requests_per_minute: 6000 },
    similarity: 'cosine',
  });
  expect(onlyRequest(service.mock, 'embeddings').rawBody).toBe('{"input":["how big"],"model":"nomic-ai/nomic-embed-text-v1.5","dimensions":16}');
});

test('text_embedding: a learned size is not sent; inputs go in batches of 256', async () => {
  const id = newId('fw-batch');
  await createEndpoint(service, 'text_embedding', id, endpoint('fireworks/qwen3-embedding-8b'));
  const input = Array.from({ length: 300 }, (_, i) => `t${i}`);
  expect((await service.server.call('POST', `/_inference/text_embedding/${id}`, { input })).json.text_embedding).toHaveLength(300);
  const sent = service.mock.requestsTo('embeddings').map(bodyOf);
  expect(sent.map((body) => (body.input as string[]).length).sort()).toEqual([256, 44]);
  expect(sent.every((body) => !('dimensions' in body))).toBe(true);
});

test('text_embedding errors follow its own handler: a 503 is not retried, a 404 is "unsuccessful"', async () => {
  const id = newId('fw-503');
  await createEndpoint(service, 'text_embedding', id, endpoint('fireworks/qwen3-embedding-8b'));
  service.mock.enqueueFault('embeddings', { kind: 'status', status: 503 });
  expectEsError(
    await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'x' }),
    400,
    'status_exception',
    /^Received a server error status code for request from inference entity id \[fw-503-\d+\] status \[503\]/,
  );
  expect(service.mock.requestsTo('embeddings')).toHaveLength(1);
  service.mock.enqueueFault('embeddings', { kind: 'status', status: 404 });
  expectEsError(
    await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'x' }),
    404,
    'status_exception',
    `Received an unsuccessful status code for request from inference entity id [${id}] status [404]. Error message: [Model not found, inaccessible, and/or not deployed]`,
  );
});

test('chat: max_completion_tokens, a usage chunk, and a non-empty user last', async () => {
  const id = newId('fw-chat');
  await createEndpoint(service, 'chat_completion', id, endpoint('accounts/fireworks/models/deepseek-v3p1', {}, { task_settings: { user: 'me' } }));
  expectEventStream(await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'Hello' }] }), 200);
  expect(onlyRequest(service.mock, 'chat').rawBody).toBe(
    '{"messages":[{"content":"Hello","role":"user"}],"model":"accounts/fireworks/models/deepseek-v3p1","n":1,"stream":true,"stream_options":{"include_usage":true},"user":"me"}',
  );
});

test('_services: Fireworks AI lists its URL and dimensions, not the headers task setting', async () => {
  const listed = await service.server.call('GET', '/_inference/_services');
  const fireworks = listed.json.find((entry: { service: string }) => entry.service === 'fireworksai');
  expect(fireworks.name).toBe('Fireworks AI');
  expect(fireworks.configurations.dimensions.supported_task_types).toEqual(['text_embedding']);
  expect(Object.keys(fireworks.configurations)).not.toContain('headers');
});
