/** What is Jina AI's own (reference §8.14), as Elasticsearch's JinaAI classes send and read it. */
import { expectSimpleEsError } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import type { JsonValue } from '../../support/mock-provider/mock-server';
import { JINA_API_KEY, startMockJinaAi } from './mock-jinaai';

const service = withMockedService('jinaai', startMockJinaAi);
const endpoint = (model: string, settings: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  service: 'jinaai',
  service_settings: { api_key: JINA_API_KEY, model_id: model, ...settings },
  ...extra,
});
const post = (taskType: string, id: string, body: Record<string, unknown>) => service.server.call('POST', `/_inference/${taskType}/${id}`, body);
const sentBodies = () => service.mock.requestsTo('embeddings').map(bodyOf);
const IMAGE = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('text_embedding', () => {
  test('PUT learns the size; the validation call asks for passages, with the Request-Source header', async () => {
    const id = newId('jina-emb');
    const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint('jina-embeddings-v3'));
    expect(put.json.service_settings).toEqual({
      model_id: 'jina-embeddings-v3',
      rate_limit: { requests_per_minute: 2000 },
      dimensions: 1024,
      embedding_type: 'float',
      similarity: 'dot_product',
    });
    const validation = onlyRequest(service.mock, 'embeddings');
    expect(validation.rawBody).toBe('{"input":["how big"],"model":"jina-embeddings-v3","embedding_type":"float","task":"retrieval.passage"}');
    expect(validation.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: `Bearer ${JINA_API_KEY}`,
      'request-source': 'unspecified:elasticsearch',
    });
  });

  test('task: the request input type, else the endpoint one; none when neither; learned dimensions are not sent', async () => {
    const id = newId('jina-task');
    const plain = newId('jina-plain');
    await createEndpoint(service, 'text_embedding', plain, endpoint('jina-embeddings-v3'));
    await createEndpoint(service, 'text_embedding', id, endpoint('jina-embeddings-v3', {}, { task_settings: { input_type: 'clustering' } }));
    await post('text_embedding', id, { input: 'a', input_type: 'search' });
    await post('text_embedding', id, { input: 'b' });
    await post('text_embedding', id, { input: 'c', input_type: 'classification' });
    await post('text_embedding', plain, { input: 'd' });
    expect(sentBodies()).toEqual([
      { input: ['a'], model: 'jina-embeddings-v3', embedding_type: 'float', task: 'retrieval.query' },
      { input: ['b'], model: 'jina-embeddings-v3', embedding_type: 'float', task: 'separation' },
      { input: ['c'], model: 'jina-embeddings-v3', embedding_type: 'float', task: 'classification' },
      { input: ['d'], model: 'jina-embeddings-v3', embedding_type: 'float' },
    ]);
  });

  test('jina-clip-v2 is sent a task only for search', async () => {
    const id = newId('jina-clip');
    await createEndpoint(service, 'text_embedding', id, endpoint('jina-clip-v2'));
    await post('text_embedding', id, { input: 'a', input_type: 'ingest' });
    await post('text_embedding', id, { input: 'b', input_type: 'search' });
    expect(sentBodies().map((body) => body.task)).toEqual([undefined, 'retrieval.query']);
  });

  test('user-set dimensions are sent every time; late_chunking is sent, false over 5500 words', async () => {
    const id = newId('jina-dims');
    const put = await service.server.call(
      'PUT',
      `/_inference/text_embedding/${id}`,
      endpoint('jina-embeddings-v3', { dimensions: 64 }, { task_settings: { late_chunking: true } }),
    );
    expect(put.json.service_settings.dimensions).toBe(64);
    expect(bodyOf(onlyRequest(service.mock, 'embeddings'))).toMatchObject({ dimensions: 64, late_chunking: true });
    service.mock.reset();
    const result = await post('text_embedding', id, { input: ['short text', 'word '.repeat(5499)] });
    expect(result.json.text_embedding[0].embedding).toHaveLength(64);
    expect(bodyOf(onlyRequest(service.mock, 'embeddings')).late_chunking).toBe(false);
  });

  test('bit embeddings: `binary` asked, text_embedding_bits answered, dimensions counted in bits, l2_norm', async () => {
    const id = newId('jina-bits');
    const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint('jina-embeddings-v3', { embedding_type: 'bit' }));
    expect(put.json.service_settings).toMatchObject({ embedding_type: 'bit', dimensions: 1024, similarity: 'l2_norm' });
    expect(bodyOf(onlyRequest(service.mock, 'embeddings')).embedding_type).toBe('binary');
    const result = await post('text_embedding', id, { input: ['x', 'y'] });
    expect(Object.keys(result.json)).toEqual(['text_embedding_bits']);
    expect(result.json.text_embedding_bits[1].embedding).toHaveLength(128);
  });

  test('batches of 2048, vectors in input order', async () => {
    const id = newId('jina-batch');
    await createEndpoint(service, 'text_embedding', id, endpoint('jina-embeddings-v3', { dimensions: 4 }));
    const inputs = Array.from({ length: 2050 }, (_, i) => `t${i}`);
    const result = await post('text_embedding', id, { input: inputs });
    expect(result.json.text_embedding).toHaveLength(2050);
    expect(sentBodies().map((body) => (body.input as string[]).length).sort((a, b) => a - b)).toEqual([2, 2048]);
    service.mock.reset();
    const last = await post('text_embedding', id, { input: 't2049' });
    expect(last.json.text_embedding[0]).toEqual(result.json.text_embedding[2049]);
  });

  test("Jina's `detail` is the error message; 422 is an input validation error", async () => {
    const id = newId('jina-err');
    await createEndpoint(service, 'text_embedding', id, endpoint('jina-embeddings-v3'));
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 422, body: { detail: 'Input is too long.' } });
    const failed = await post('text_embedding', id, { input: 'x' });
    // Elasticsearch answers a provider's 4xx with that status.
    expect(failed.status).toBe(422);
    expect(failed.json.error.reason).toBe(
      `Received an input validation error response for request from inference entity id [${id}] status [422]. Error message: [Input is too long.]`,
    );
  });
});

describe('embedding', () => {
  test('a multimodal model takes {text} and {image} objects; embeddings in input order', async () => {
    const id = newId('jina-mm');
    const put = await createEndpoint(service, 'embedding', id, endpoint('jina-embeddings-v4', { dimensions: 16 }));
    expect(put.json.service_settings).toMatchObject({ multimodal_model: true, dimensions: 16 });
    const result = await post('embedding', id, {
      input: [{ content: { type: 'image', format: 'base64', value: IMAGE } }, 'some text'],
      input_type: 'search',
    });
    expect(result.status).toBe(200);
    expect(result.json.embeddings).toHaveLength(2);
    expect(sentBodies()).toEqual([
      { input: [{ image: IMAGE }, { text: 'some text' }], model: 'jina-embeddings-v4', embedding_type: 'float', task: 'retrieval.query', dimensions: 16 },
    ]);
  });

  test('a text-only model takes strings and refuses images; several items in one content are refused', async () => {
    const id = newId('jina-text-only');
    const put = await createEndpoint(service, 'embedding', id, endpoint('jina-embeddings-v3', { multimodal_model: false }));
    expect(put.json.service_settings.multimodal_model).toBe(false);
    expect((await post('embedding', id, { input: ['a', 'b'] })).json.embeddings).toHaveLength(2);
    expect(bodyOf(onlyRequest(service.mock, 'embeddings')).input).toEqual(['a', 'b']);
    expectSimpleEsError(
      await post('embedding', id, { input: [{ content: { type: 'image', format: 'base64', value: IMAGE } }] }),
      400,
      'status_exception',
      'The jinaai service does not support embedding with non-text inputs',
    );
    const multiple = await post('embedding', id, { input: [{ content: [{ type: 'text', value: 'a' }, { type: 'text', value: 'b' }] }] });
    expect(multiple.status).toBe(400);
    expect(service.mock.requestsTo('embeddings')).toHaveLength(1);
  });
});

describe('rerank', () => {
  const documents = ['Bananas are yellow.', 'Paris is the capital of France.', 'France has a capital.'];

  test("Cohere's field names; the request's task_settings and top level win; sorted, text from Jina", async () => {
    const id = newId('jina-rerank');
    await createEndpoint(service, 'rerank', id, endpoint('jina-reranker-v2-base-multilingual', {}, { task_settings: { top_n: 1, return_documents: false } }));
    const result = await post('rerank', id, { query: 'capital of France', input: documents, return_documents: true, task_settings: { top_n: 2 } });
    expect(result.json).toEqual({
      rerank: [
        { index: 1, relevance_score: 0.75, text: documents[1] },
        { index: 2, relevance_score: 0.5, text: documents[2] },
      ],
    });
    expect(onlyRequest(service.mock, 'rerank').rawBody).toBe(
      `{"model":"jina-reranker-v2-base-multilingual","query":"capital of France","documents":${JSON.stringify(documents)},"top_n":2,"return_documents":true}`,
    );
  });

  test('string documents are read; more than top_n, out of order, are sorted and cut by infergate', async () => {
    const id = newId('jina-rerank-cut');
    await createEndpoint(service, 'rerank', id, endpoint('jina-reranker-v2-base-multilingual'));
    const results: JsonValue = [
      { index: 0, relevance_score: 0.2, document: 'Bananas are yellow.' },
      { index: 2, relevance_score: 0.9, document: { text: 'France has a capital.' } },
      { index: 1, relevance_score: 0.4 },
    ];
    service.mock.enqueueFault('rerank', { kind: 'status', status: 200, body: { model: 'm', results } });
    const result = await post('rerank', id, { query: 'q', input: documents, top_n: 2 });
    expect(result.json).toEqual({ rerank: [{ index: 2, relevance_score: 0.9, text: 'France has a capital.' }, { index: 1, relevance_score: 0.4 }] });
  });
});
