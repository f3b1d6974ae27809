/** What is AlibabaCloud AI Search's own (reference §8.13), as Elasticsearch's AlibabaCloudSearch classes send and
 * read it. */
import { expectSimpleEsError, postRaw } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { ALIBABA_API_KEY, DIMENSIONS, errorBody, startMockAlibaba } from './mock-alibabacloud-ai-search';

const service = withMockedService('alibabacloud-ai-search', startMockAlibaba);
const HOST = 'default-j01.platform-cn-shanghai.opensearch.aliyuncs.com';
const endpoint = (serviceId: string, settings: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  service: 'alibabacloud-ai-search',
  service_settings: { api_key: ALIBABA_API_KEY, service_id: serviceId, host: HOST, workspace: 'default', ...settings },
  ...extra,
});
const call = (taskType: string, id: string, body: Record<string, unknown>) => service.server.call('POST', `/_inference/${taskType}/${id}`, body);

describe('text_embedding', () => {
  test('PUT learns the size, stores dot_product; the path, Bearer key and body are Elasticsearch\'s', async () => {
    const id = newId('ali-emb');
    const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint('ops-text-embedding-001'));
    expect(put.status).toBe(200);
    expect(put.json.service_settings).toEqual({
      service_id: 'ops-text-embedding-001',
      host: HOST,
      workspace: 'default',
      rate_limit: { requests_per_minute: 1000 },
      similarity: 'dot_product',
      dimensions: DIMENSIONS,
    });
    expect(put.text).not.toContain(ALIBABA_API_KEY);
    const validation = onlyRequest(service.mock, 'embeddings');
    expect(validation.path).toBe('/v3/openapi/workspaces/default/text-embedding/ops-text-embedding-001');
    expect(validation.headers.authorization).toBe(`Bearer ${ALIBABA_API_KEY}`);
    expect(validation.rawBody).toBe('{"input":["how big"],"input_type":"document"}');
  });

  test('the request input_type wins over the task setting: ingest is `document`, search is `query`', async () => {
    const id = newId('ali-types');
    await createEndpoint(service, 'text_embedding', id, endpoint('ops-text-embedding-001', {}, { task_settings: { input_type: 'search' } }));
    await call('text_embedding', id, { input: 'a', input_type: 'ingest' });
    await call('text_embedding', id, { input: ['b'] });
    expect(service.mock.requestsTo('embeddings').map(bodyOf)).toEqual([
      { input: ['a'], input_type: 'document' },
      { input: ['b'], input_type: 'query' },
    ]);
  });

  test('inputs go in batches of 32 and come back in input order', async () => {
    const id = newId('ali-batch');
    await createEndpoint(service, 'text_embedding', id, endpoint('ops-text-embedding-001'));
    const input = Array.from({ length: 70 }, (_, i) => `text number ${i}`);
    const response = await call('text_embedding', id, { input });
    expect(response.status).toBe(200);
    expect(response.json.text_embedding).toHaveLength(70);
    const sizes = service.mock.requestsTo('embeddings').map((request) => (bodyOf(request).input as string[]).length);
    expect(sizes.sort((a, b) => b - a)).toEqual([32, 32, 6]);
    const single = await call('text_embedding', id, { input: [input[69]] });
    expect(response.json.text_embedding[69]).toEqual(single.json.text_embedding[0]);
  });

  test('workspace and service_id are encoded as path segments; http_schema is kept; host takes no path', async () => {
    const id = newId('ali-path');
    const put = await createEndpoint(service, 'text_embedding', id, endpoint('ops/../x', { workspace: 'my ws', http_schema: 'http' }));
    expect(put.json.service_settings.http_schema).toBe('http');
    await call('text_embedding', id, { input: 'a' });
    expect(service.mock.requests.at(-1)!.path).toBe('/v3/openapi/workspaces/my%20ws/text-embedding/ops%2F..%2Fx');
    const bad = await service.server.call('PUT', `/_inference/text_embedding/${newId('ali-host')}`, endpoint('x', { host: 'evil.example/steal?' }));
    expect(bad.status).toBe(400);
    const schema = await service.server.call('PUT', `/_inference/text_embedding/${newId('ali-schema')}`, endpoint('x', { http_schema: 'ftp' }));
    expect(schema.status).toBe(400);
  });
});

describe('sparse_embedding', () => {
  test('tokens keyed by id, or by text with return_token; dotted, empty and non-positive tokens are dropped', async () => {
    const id = newId('ali-sparse');
    await createEndpoint(service, 'sparse_embedding', id, endpoint('ops-text-sparse-embedding-001', {}, { task_settings: { return_token: true, input_type: 'ingest' } }));
    const byText = await call('sparse_embedding', id, { input: ['open search'] });
    expect(byText.status).toBe(200);
    expect(Object.keys(byText.json.sparse_embedding[0].embedding).sort()).toEqual(['open', 'search']);
    expect(byText.json.sparse_embedding[0].is_truncated).toBe(false);
    expect(bodyOf(onlyRequest(service.mock, 'sparse'))).toEqual({ input: ['open search'], input_type: 'document', return_token: true });

    service.mock.enqueueFault('sparse', {
      kind: 'status',
      status: 200,
      body: { request_id: 'r', latency: 1, result: { sparse_embeddings: [{ index: 0, embedding: [
        { token_id: 6, weight: 0.25, token: '' },
        { token_id: 7, weight: 0.5, token: 'a.b' },
        { token_id: 8, weight: 0, token: 'zero' },
        { token_id: 9, weight: '0.125' },
        { token_id: 10, weight: 0.75, token: '科学' },
      ] }] } },
    });
    const filtered = await call('sparse_embedding', id, { input: ['x'] });
    expect(filtered.json.sparse_embedding).toEqual([{ is_truncated: false, embedding: { '9': 0.125, 科学: 0.75 } }]);
  });
});

describe('rerank', () => {
  test('only query and docs are sent; the answer is sorted, cut to top_n, with text on return_documents', async () => {
    const id = newId('ali-rerank');
    await createEndpoint(service, 'rerank', id, endpoint('ops-bge-reranker-larger'));
    service.mock.enqueueFault('rerank', {
      kind: 'status',
      status: 200,
      body: { request_id: 'r', latency: 1, result: { scores: [{ index: 0, score: -0.3 }, { index: 2, score: 1.37 }, { index: 1, score: 0.5 }] } },
    });
    const response = await call('rerank', id, { query: 'q', input: ['a', 'b', 'c'], top_n: 2, return_documents: true });
    expect(response.json).toEqual({
      rerank: [
        { index: 2, relevance_score: 1.37, text: 'c' },
        { index: 1, relevance_score: 0.5, text: 'b' },
      ],
    });
    expect(onlyRequest(service.mock, 'rerank').rawBody).toBe('{"query":"q","docs":["a","b","c"]}');
    expect((await service.server.call('PUT', `/_inference/rerank/${newId('ali-rts')}`, endpoint('x', {}, { task_settings: { top_n: 2 } }))).status).toBe(400);
  });
});

describe('completion', () => {
  test('inputs become user and assistant turns; parameters merge key by key; streaming is refused', async () => {
    const id = newId('ali-comp');
    await createEndpoint(service, 'completion', id, endpoint('ops-qwen-turbo', {}, { task_settings: { parameters: { max_tokens: 64, temperature: 0.2 } } }));
    const response = await call('completion', id, { input: ['Hi', 'Hello!', 'Capital of Henan?'], task_settings: { parameters: { temperature: 0.9 } } });
    expect(response.json).toEqual({ completion: [{ result: 'Echo: Capital of Henan?' }] });
    expect(onlyRequest(service.mock, 'completion').rawBody).toBe(
      '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"},{"role":"user","content":"Capital of Henan?"}],"parameters":{"max_tokens":64,"temperature":0.9}}',
    );
    const stream = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'x' });
    expect(stream.status).toBe(405);
  });
});

describe('errors', () => {
  test("AI Search's `message` is quoted; a 503 is not retried, a 429 is", async () => {
    const id = newId('ali-err');
    await createEndpoint(service, 'rerank', id, endpoint('ops-bge-reranker-larger'));
    service.mock.enqueueFault('rerank', { kind: 'status', status: 400, body: errorBody('InvalidParameter', 'JSON parse error: docs') });
    expectSimpleEsError(
      await call('rerank', id, { query: 'q', input: ['a'] }),
      400,
      'status_exception',
      `Received an unsuccessful status code for request from inference entity id [${id}] status [400]. Error message: [JSON parse error: docs]`,
    );
    service.mock.reset();
    service.mock.enqueueFault('rerank', { kind: 'status', status: 503 });
    expect((await call('rerank', id, { query: 'q', input: ['a'] })).status).toBe(400);
    expect(service.mock.requestsTo('rerank')).toHaveLength(1);
    service.mock.reset();
    service.mock.enqueueFault('rerank', { kind: 'status', status: 429 });
    expect((await call('rerank', id, { query: 'q', input: ['a'] })).status).toBe(200);
    expect(service.mock.requestsTo('rerank')).toHaveLength(2);
  });

  test("answers without their field are unreadable, in Elasticsearch's words", async () => {
    const id = newId('ali-shape');
    await createEndpoint(service, 'text_embedding', id, endpoint('ops-text-embedding-001'));
    for (let i = 0; i < 3; i++) service.mock.enqueueFault('embeddings', { kind: 'wrongShape' });
    const response = await call('text_embedding', id, { input: 'a' });
    expect(response.status).toBe(500);
    expect(response.json.error.reason).toBe(
      'Failed to send AlibabaCloud Search text embeddings request. Cause: Failed to find required field [embeddings] in AlibabaCloud Search embeddings response',
    );
  });
});
