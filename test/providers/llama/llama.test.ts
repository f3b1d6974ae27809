/** What is Llama's own (reference §8.18), as Elasticsearch's Llama classes send and read it. */
import { expectEsError, expectEventStream, onlyErrorFrame, postRaw } from '../../support/assertions';
import { createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { LLAMA_API_KEY, startMockLlama } from './mock-llama';

const service = withMockedService('llama', startMockLlama);
const EMBEDDINGS_URL = 'http://localhost:8321/v1/inference/embeddings';
const CHAT_URL = 'http://localhost:8321/v1/openai/v1/chat/completions';

test("embeddings use Llama Stack's own API; the size replaces a given dimensions; cosine; no key, no Authorization", async () => {
  const id = newId('llama-emb');
  const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, {
    service: 'llama',
    service_settings: { url: EMBEDDINGS_URL, dimensions: 3, model_id: 'all-MiniLM-L6-v2' },
  });
  expect(put.json.service_settings).toEqual({
    url: EMBEDDINGS_URL,
    dimensions: 384,
    model_id: 'all-MiniLM-L6-v2',
    rate_limit: { requests_per_minute: 3000 },
    similarity: 'cosine',
  });
  const validation = onlyRequest(service.mock, 'embeddings');
  expect(validation.rawBody).toBe('{"model_id":"all-MiniLM-L6-v2","contents":["how big"]}');
  expect(validation.headers.authorization).toBeUndefined();
});

test('chat: a key goes as Bearer; max_tokens; no usage chunk asked', async () => {
  const id = newId('llama-chat');
  await createEndpoint(service, 'chat_completion', id, { service: 'llama', service_settings: { url: CHAT_URL, model_id: 'llama3.2:3b', api_key: LLAMA_API_KEY } });
  expectEventStream(await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'Hello, world!' }], max_completion_tokens: 3 }), 200);
  const sent = onlyRequest(service.mock, 'chat');
  expect(sent.rawBody).toBe('{"messages":[{"content":"Hello, world!","role":"user"}],"max_tokens":3,"model":"llama3.2:3b","n":1,"stream":true}');
  expect(sent.headers.authorization).toBe(`Bearer ${LLAMA_API_KEY}`);
});

test("errors: the whole body on embeddings; on the chat route Llama Stack's error.message, typed llama_error", async () => {
  const emb = newId('llama-emb-err');
  await createEndpoint(service, 'text_embedding', emb, { service: 'llama', service_settings: { url: EMBEDDINGS_URL, model_id: 'm' } });
  service.mock.enqueueFault('embeddings', { kind: 'status', status: 400 });
  expectEsError(
    await service.server.call('POST', `/_inference/text_embedding/${emb}`, { input: 'x' }),
    400,
    'status_exception',
    `Received a bad request status code for request from inference entity id [${emb}] status [400]. Error message: [{"detail":"Error 400"}]`,
  );

  const chat = newId('llama-chat-err');
  await createEndpoint(service, 'chat_completion', chat, { service: 'llama', service_settings: { url: CHAT_URL, model_id: 'llama3.12:3b' } });
  service.mock.enqueueFault('chat', { kind: 'status', status: 400 });
  const failed = await postRaw(service.server, `/_inference/chat_completion/${chat}/_stream`, { messages: [{ role: 'user', content: 'x' }] });
  expect(onlyErrorFrame(failed).error).toEqual({
    code: 'bad_request',
    message: `Received a bad request status code for request from inference entity id [${chat}] status [400]. Error message: [400: Invalid value: Model 'llama3.12:3b' not found]`,
    type: 'llama_error',
  });
});

test('_update may change the rate limit and max_input_tokens', async () => {
  const id = newId('llama-upd');
  await createEndpoint(service, 'text_embedding', id, { service: 'llama', service_settings: { url: EMBEDDINGS_URL, model_id: 'm' } });
  const updated = await service.server.call('PUT', `/_inference/${id}/_update`, { service_settings: { max_input_tokens: 10, rate_limit: { requests_per_minute: 5 } } });
  expect(updated.json.service_settings).toMatchObject({ max_input_tokens: 10, rate_limit: { requests_per_minute: 5 } });
  await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'x'.repeat(100) });
  // Elasticsearch's Truncator: three characters a token.
  expect((onlyRequest(service.mock, 'embeddings').body as { contents: string[] }).contents).toEqual(['x'.repeat(30)]);
});
