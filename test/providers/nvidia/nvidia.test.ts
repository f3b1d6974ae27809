/** What is NVIDIA's own (reference §8.21), as Elasticsearch's Nvidia classes send and read it. */
import { expectEventStream, expectSimpleEsError, onlyErrorFrame, postRaw } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { NVIDIA_API_KEY, startMockNvidia } from './mock-nvidia';

const service = withMockedService('nvidia', startMockNvidia);
const endpoint = (model: string, settings: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  service: 'nvidia',
  service_settings: { api_key: NVIDIA_API_KEY, model_id: model, ...settings },
  ...extra,
});
const EMBED_MODEL = 'nvidia/llama-3.2-nv-embedqa-1b-v2';

describe('text_embedding', () => {
  test('PUT stores the default URL and learns the size; the validation call asks for `query` embeddings', async () => {
    const id = newId('nv-emb');
    const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint(EMBED_MODEL));
    expect(put.json.service_settings).toEqual({
      model_id: EMBED_MODEL,
      url: 'https://integrate.api.nvidia.com/v1/embeddings',
      rate_limit: { requests_per_minute: 3000 },
      similarity: 'dot_product',
      dimensions: 2048,
    });
    const validation = onlyRequest(service.mock, 'embeddings');
    expect(validation.rawBody).toBe(`{"input":["how big"],"model":"${EMBED_MODEL}","input_type":"query"}`);
    expect(validation.headers['content-type']).toBe('application/json');
  });

  test('the request input_type wins over the task setting; ingest is `passage`; truncate is sent lower-case', async () => {
    const id = newId('nv-types');
    const put = await createEndpoint(service, 'text_embedding', id, endpoint(EMBED_MODEL, {}, { task_settings: { input_type: 'search', truncate: 'START' } }));
    expect(put.json.task_settings).toEqual({ input_type: 'search', truncate: 'start' });
    await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'a', input_type: 'ingest' });
    await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'b' });
    expect(service.mock.requestsTo('embeddings').map(bodyOf)).toEqual([
      { input: ['a'], model: EMBED_MODEL, input_type: 'passage', truncate: 'start' },
      { input: ['b'], model: EMBED_MODEL, input_type: 'query', truncate: 'start' },
    ]);
  });

  test('input types NVIDIA has no use for are refused; dimensions cannot be chosen', async () => {
    const id = newId('nv-refuse');
    await createEndpoint(service, 'text_embedding', id, endpoint(EMBED_MODEL));
    expectSimpleEsError(
      await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'a', input_type: 'classification' }),
      400,
      'validation_exception',
      'Validation Failed: 1: Input type [classification] is not supported for [Nvidia];',
    );
    expectSimpleEsError(
      await service.server.call('PUT', `/_inference/text_embedding/${newId('nv-dims')}`, endpoint(EMBED_MODEL, { dimensions: 8 })),
      400,
      'status_exception',
      'Model configuration contains settings [{dimensions=8}] unknown to the [nvidia] service',
    );
    expect(service.mock.requests).toHaveLength(0);
  });

  test('batches of 20; an input over the window is cut to half and sent again', async () => {
    const id = newId('nv-batch');
    await createEndpoint(service, 'text_embedding', id, endpoint(EMBED_MODEL));
    const result = await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: Array.from({ length: 45 }, (_, i) => `t${i}`) });
    expect(result.json.text_embedding).toHaveLength(45);
    expect(service.mock.requestsTo('embeddings').map((request) => (bodyOf(request).input as string[]).length).sort()).toEqual([20, 20, 5]);

    service.mock.reset();
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 400, body: { error: 'Input length 600 exceeds maximum allowed token size 512' } });
    expect((await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'abcdefgh' })).status).toBe(200);
    expect(service.mock.requestsTo('embeddings').map((request) => bodyOf(request).input)).toEqual([['abcdefgh'], ['abcd']]);
  });
});

test('rerank: the query and passages as NVIDIA takes them; logits as scores in its order, never text', async () => {
  const id = newId('nv-rerank');
  const put = await createEndpoint(service, 'rerank', id, endpoint('nv-rerank-qa-mistral-4b:1'));
  expect(put.json.service_settings.url).toBe('https://ai.api.nvidia.com/v1/retrieval/nvidia/reranking');
  const result = await service.server.call('POST', `/_inference/rerank/${id}`, {
    query: 'capital of France',
    input: ['Bananas are yellow.', 'Paris is the capital of France.'],
    return_documents: true,
  });
  expect(result.json).toEqual({ rerank: [{ index: 1, relevance_score: 3.5 }, { index: 0, relevance_score: -4 }] });
  expect(onlyRequest(service.mock, 'rerank').rawBody).toBe(
    '{"model":"nv-rerank-qa-mistral-4b:1","query":{"text":"capital of France"},"passages":[{"text":"Bananas are yellow."},{"text":"Paris is the capital of France."}]}',
  );
});

test('a huge error body is quoted in part', async () => {
  const id = newId('nv-huge');
  await createEndpoint(service, 'completion', id, endpoint('microsoft/phi-3-mini-128k-instruct'));
  service.mock.enqueueFault('chat', { kind: 'status', status: 400, body: { error: 'y'.repeat(500_000) } });
  const result = await service.server.call('POST', `/_inference/completion/${id}`, { input: 'x' });
  expect(result.status).toBe(400);
  const quoted = /Error message: \[(.*)\]$/.exec(result.json.error.reason)![1];
  expect(quoted.length).toBe(8 * 1024 + 3);
  expect(quoted.endsWith('yyy...')).toBe(true);
});

test("chat: max_tokens, no usage chunk asked; errors quote NVIDIA's whole body as nvidia_error", async () => {
  const id = newId('nv-chat');
  await createEndpoint(service, 'chat_completion', id, endpoint('microsoft/phi-3-mini-128k-instruct'));
  expectEventStream(await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'Hello, world!' }], max_completion_tokens: 4 }), 200);
  expect(onlyRequest(service.mock, 'chat').rawBody).toBe(
    '{"messages":[{"content":"Hello, world!","role":"user"}],"max_tokens":4,"model":"microsoft/phi-3-mini-128k-instruct","n":1,"stream":true}',
  );
  service.mock.enqueueFault('chat', { kind: 'status', status: 404 });
  const failed = await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'x' }] });
  expect(onlyErrorFrame(failed).error).toEqual({
    code: 'not_found',
    message: `Resource not found at [${service.mock.url}/v1/chat/completions] for request from inference entity id [${id}] status [404]. Error message: [{"error":"404 page not found"}]`,
    type: 'nvidia_error',
  });
});
