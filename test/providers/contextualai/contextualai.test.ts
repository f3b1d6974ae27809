/** What is Contextual AI's own (reference §8.19), as Elasticsearch's ContextualAi classes send and read it. */
import { expectSimpleEsError } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { CONTEXTUAL_AI_KEY, startMockContextualAi } from './mock-contextualai';

const service = withMockedService('contextualai', startMockContextualAi);
const MODEL = 'ctxl-rerank-v2-instruct-multilingual';
const endpoint = (taskSettings?: Record<string, unknown>, settings: Record<string, unknown> = {}) => ({
  service: 'contextualai',
  service_settings: { api_key: CONTEXTUAL_AI_KEY, model_id: MODEL, ...settings },
  ...(taskSettings ? { task_settings: taskSettings } : {}),
});
const DOCUMENTS = ['Bananas are yellow.', 'Paris is the capital of France.', 'France exports wine.'];
const rerank = (id: string, extra: Record<string, unknown> = {}) =>
  service.server.call('POST', `/_inference/rerank/${id}`, { query: 'capital of France', input: DOCUMENTS, ...extra });

test('PUT stores model_id and the default rate limit; the key is a Bearer token and never shown', async () => {
  const id = newId('ctx-put');
  const put = await service.server.call('PUT', `/_inference/rerank/${id}`, endpoint({ instruction: 'Prefer facts.', top_n: 2 }));
  expect(put.status).toBe(200);
  expect(put.json).toMatchObject({
    service_settings: { model_id: MODEL, rate_limit: { requests_per_minute: 1000 } },
    task_settings: { instruction: 'Prefer facts.', top_n: 2 },
  });
  expect(put.text).not.toContain(CONTEXTUAL_AI_KEY);
  const validation = onlyRequest(service.mock, 'rerank');
  expect(validation.path).toBe('/v1/rerank');
  expect(validation.headers.authorization).toBe(`Bearer ${CONTEXTUAL_AI_KEY}`);
  expect(validation.headers['content-type']).toBe('application/json');
});

test("the body is Elasticsearch's, key for key: query, model, top_n, instruction, documents", async () => {
  const id = newId('ctx-body');
  await createEndpoint(service, 'rerank', id, endpoint({ instruction: 'Prefer facts.', top_n: 2 }));
  expect((await rerank(id)).status).toBe(200);
  expect(onlyRequest(service.mock, 'rerank').rawBody).toBe(
    `{"query":"capital of France","model":"${MODEL}","top_n":2,"instruction":"Prefer facts.","documents":${JSON.stringify(DOCUMENTS)}}`,
  );
});

test('without task settings only query, model and documents are sent', async () => {
  const id = newId('ctx-bare');
  await createEndpoint(service, 'rerank', id, endpoint());
  await rerank(id);
  expect(Object.keys(bodyOf(onlyRequest(service.mock, 'rerank')))).toEqual(['query', 'model', 'documents']);
});

test("the request's task settings override the stored ones; its top_n wins over both", async () => {
  const id = newId('ctx-override');
  await createEndpoint(service, 'rerank', id, endpoint({ instruction: 'old', top_n: 3 }));
  await rerank(id, { task_settings: { instruction: 'new', top_n: 2 } });
  await rerank(id, { top_n: 1, task_settings: { top_n: 2 } });
  expect(service.mock.requestsTo('rerank').map(bodyOf).map(({ top_n, instruction }) => ({ top_n, instruction }))).toEqual([
    { top_n: 2, instruction: 'new' },
    { top_n: 1, instruction: 'old' },
  ]);
});

test('the answer is sorted by relevance and cut to top_n when the provider sends more; return_documents adds the text', async () => {
  const id = newId('ctx-sorted');
  await createEndpoint(service, 'rerank', id, endpoint({ top_n: 2 }));
  service.mock.enqueueFault('rerank', {
    kind: 'status',
    status: 200,
    body: { results: [{ index: 0, relevance_score: 0.1 }, { index: 2, relevance_score: 0.5 }, { index: 1, relevance_score: 0.9 }] },
  });
  const response = await rerank(id, { return_documents: true });
  expect(response.status).toBe(200);
  expect(response.json).toEqual({
    rerank: [
      { index: 1, relevance_score: 0.9, text: DOCUMENTS[1] },
      { index: 2, relevance_score: 0.5, text: DOCUMENTS[2] },
    ],
  });
  const plain = await rerank(id);
  expect(plain.json.rerank.every((entry: object) => !('text' in entry))).toBe(true);
});

test("`top_k`, the name of Elasticsearch's API specification, is taken as top_n (the spec example)", async () => {
  const id = newId('ctx-topk');
  await createEndpoint(service, 'rerank', id, endpoint({ instruction: 'Rerank by relevance.', top_k: 1 }));
  const response = await rerank(id);
  expect(response.json.rerank).toHaveLength(1);
  expect(bodyOf(onlyRequest(service.mock, 'rerank')).top_n).toBe(1);
});

test('settings Elasticsearch does not know are refused: url, return_documents (removed in 9.x)', async () => {
  expectSimpleEsError(
    await service.server.call('PUT', `/_inference/rerank/${newId('ctx-url')}`, endpoint(undefined, { url: 'https://example.com/rerank' })),
    400,
    'status_exception',
    'Model configuration contains settings [{url=https://example.com/rerank}] unknown to the [contextualai] service',
  );
  const put = await service.server.call('PUT', `/_inference/rerank/${newId('ctx-rd')}`, endpoint({ return_documents: true }));
  expect(put.status).toBe(400);
  expect(put.json.error.reason).toContain('return_documents');
  expect(service.mock.requests).toHaveLength(0);
});

test("a provider error quotes its `detail`; a 503 is retried, as Elasticsearch's handler does", async () => {
  const id = newId('ctx-errors');
  await createEndpoint(service, 'rerank', id, endpoint());
  service.mock.enqueueFault('rerank', { kind: 'status', status: 400, body: { detail: 'documents must not be empty' } });
  expectSimpleEsError(
    await rerank(id),
    400,
    'status_exception',
    `Received an unsuccessful status code for request from inference entity id [${id}] status [400]. Error message: [documents must not be empty]`,
  );
  service.mock.reset();
  service.mock.enqueueFault('rerank', { kind: 'status', status: 503 });
  expect((await rerank(id)).status).toBe(200);
  expect(service.mock.requestsTo('rerank')).toHaveLength(2);
});

test("an answer without `results`, or naming a document that was not sent, is unreadable, in Elasticsearch's words", async () => {
  const id = newId('ctx-shape');
  await createEndpoint(service, 'rerank', id, endpoint());
  for (let i = 0; i < 3; i++) service.mock.enqueueFault('rerank', { kind: 'wrongShape' });
  const missing = await rerank(id);
  expect(missing.status).toBe(500);
  expect(missing.json.error.reason).toBe('Failed to send ContextualAI rerank request. Cause: Required [results]');
  service.mock.enqueueFault('rerank', { kind: 'status', status: 200, body: { results: [{ index: 7, relevance_score: 1 }] } });
  const outside = await rerank(id);
  expect(outside.status).toBe(500);
  expect(outside.json.error.reason).toBe('Failed to send ContextualAI rerank request. Cause: a result index is not one of the documents');
});

