/** What is Voyage AI's own (reference §8.15), as Elasticsearch's VoyageAI classes send and read it. */
import { expectSimpleEsError } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { startMockVoyageAi, VOYAGE_API_KEY } from './mock-voyageai';

const service = withMockedService('voyageai', startMockVoyageAi);
const endpoint = (model: string, settings: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  service: 'voyageai',
  service_settings: { api_key: VOYAGE_API_KEY, model_id: model, ...settings },
  ...extra,
});
const embed = (id: string, body: Record<string, unknown>) => service.server.call('POST', `/_inference/text_embedding/${id}`, body);

describe('text_embedding', () => {
  test('PUT learns the size and stores float, dot_product; the validation call asks for documents, with the Request-Source header', async () => {
    const id = newId('voyage-emb');
    const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint('voyage-3-large'));
    expect(put.json.service_settings).toEqual({
      model_id: 'voyage-3-large',
      rate_limit: { requests_per_minute: 2000 },
      embedding_type: 'float',
      similarity: 'dot_product',
      dimensions: 1024,
    });
    const validation = onlyRequest(service.mock, 'embeddings');
    expect(validation.rawBody).toBe('{"input":["how big"],"model":"voyage-3-large","input_type":"document","output_dtype":"float"}');
    expect(validation.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: `Bearer ${VOYAGE_API_KEY}`,
      'request-source': 'unspecified:elasticsearch',
    });
  });

  test('after PUT the stored dimensions go as output_dimension; the request input_type wins; truncation is sent as set', async () => {
    const id = newId('voyage-types');
    await createEndpoint(service, 'text_embedding', id, endpoint('voyage-3', { dimensions: 512 }, { task_settings: { input_type: 'search', truncation: false } }));
    await embed(id, { input: 'a', input_type: 'ingest' });
    await embed(id, { input: 'b' });
    await embed(id, { input: 'c', task_settings: { truncation: true } });
    expect(service.mock.requestsTo('embeddings').map((request) => request.rawBody)).toEqual([
      '{"input":["a"],"model":"voyage-3","input_type":"document","truncation":false,"output_dimension":512,"output_dtype":"float"}',
      '{"input":["b"],"model":"voyage-3","input_type":"query","truncation":false,"output_dimension":512,"output_dtype":"float"}',
      '{"input":["c"],"model":"voyage-3","input_type":"query","truncation":true,"output_dimension":512,"output_dtype":"float"}',
    ]);
  });

  test('no input_type is sent when neither the request nor the endpoint gives one; max_input_tokens cuts nothing', async () => {
    const id = newId('voyage-none');
    await createEndpoint(service, 'text_embedding', id, endpoint('voyage-3', { max_input_tokens: 2 }));
    await embed(id, { input: 'a text longer than six characters' });
    expect(bodyOf(onlyRequest(service.mock, 'embeddings'))).toEqual({
      input: ['a text longer than six characters'],
      model: 'voyage-3',
      output_dimension: 1024,
      output_dtype: 'float',
    });
  });

  test.each([
    ['int8', 'int8', 'text_embedding_bytes', 256],
    ['byte', 'int8', 'text_embedding_bytes', 256],
    ['bit', 'binary', 'text_embedding_bits', 32],
    ['binary', 'binary', 'text_embedding_bits', 32],
  ])('embedding_type %s: output_dtype %s, %s results', async (embeddingType, dtype, shape, length) => {
    const id = newId('voyage-dtype');
    const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint('voyage-3-large', { embedding_type: embeddingType, dimensions: 256 }));
    expect(put.status).toBe(200);
    // Bits are counted as dimensions: 32 packed bytes are 256 of them.
    expect(put.json.service_settings).toMatchObject({ embedding_type: embeddingType, dimensions: 256 });
    expect(bodyOf(onlyRequest(service.mock, 'embeddings')).output_dtype).toBe(dtype);
    const result = await embed(id, { input: ['one', 'two'] });
    expect(Object.keys(result.json)).toEqual([shape]);
    expect(result.json[shape]).toHaveLength(2);
    for (const { embedding } of result.json[shape]) {
      expect(embedding).toHaveLength(length);
      expect(embedding.every((v: number) => Number.isInteger(v) && v >= -128 && v <= 127)).toBe(true);
    }
    await service.server.call('DELETE', `/_inference/${id}`);
  });

  test('only ingest and search input types; an unknown embedding_type is refused at PUT', async () => {
    const id = newId('voyage-refuse');
    await createEndpoint(service, 'text_embedding', id, endpoint('voyage-3'));
    expectSimpleEsError(
      await embed(id, { input: 'a', input_type: 'classification' }),
      400,
      'validation_exception',
      'Validation Failed: 1: Input type [classification] is not supported for [Voyage AI];',
    );
    const refused = await service.server.call('PUT', `/_inference/text_embedding/${newId('voyage-dtype')}`, endpoint('voyage-3', { embedding_type: 'uint8' }));
    expect(refused.status).toBe(400);
    expect(refused.json.error.reason).toContain('embedding_type');
    expect(service.mock.requests).toHaveLength(0);
  });

  test("batches of the model's size, 7 for a model Elasticsearch does not list; vectors in input order", async () => {
    const lite = newId('voyage-lite');
    await createEndpoint(service, 'text_embedding', lite, endpoint('voyage-3-lite'));
    const inputs = Array.from({ length: 65 }, (_, i) => `t${i}`);
    const result = await embed(lite, { input: inputs });
    expect(result.json.text_embedding).toHaveLength(65);
    expect(service.mock.requestsTo('embeddings').map((request) => (bodyOf(request).input as string[]).length).sort()).toEqual([30, 30, 5]);
    const single = await embed(lite, { input: 't64' });
    expect(single.json.text_embedding[0]).toEqual(result.json.text_embedding[64]);

    service.mock.reset();
    const other = newId('voyage-other');
    await createEndpoint(service, 'text_embedding', other, endpoint('voyage-context-3'));
    await embed(other, { input: inputs.slice(0, 15) });
    expect(service.mock.requestsTo('embeddings').map((request) => (bodyOf(request).input as string[]).length).sort()).toEqual([1, 7, 7]);
  });

  test("Voyage's `detail` is the error message; 400 is an input validation error, 402 payment required", async () => {
    const id = newId('voyage-err');
    await createEndpoint(service, 'text_embedding', id, endpoint('voyage-3'));
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 400, body: { detail: 'The input is too long.' } });
    const invalid = await embed(id, { input: 'x' });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error.reason).toBe(
      `Received an input validation error response for request from inference entity id [${id}] status [400]. Error message: [The input is too long.]`,
    );
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 402 });
    const unpaid = await embed(id, { input: 'x' });
    expect(unpaid.json.error.reason).toBe(
      `Payment required for request from inference entity id [${id}] status [402]. Error message: [You have not yet added your payment method in the billing page.]`,
    );
    expect(service.mock.requestsTo('embeddings')).toHaveLength(2);
  });
});

describe('rerank', () => {
  const documents = ['Bananas are yellow.', 'Paris is the capital of France.', 'France has a capital.'];

  test('top_n goes as top_k, return_documents as given; scores sorted, text from Voyage', async () => {
    const id = newId('voyage-rerank');
    const put = await createEndpoint(service, 'rerank', id, endpoint('rerank-2'));
    expect(put.json.service_settings).toEqual({ model_id: 'rerank-2', rate_limit: { requests_per_minute: 2000 } });
    const result = await service.server.call('POST', `/_inference/rerank/${id}`, {
      query: 'capital of France',
      input: documents,
      top_n: 2,
      return_documents: true,
    });
    expect(result.json).toEqual({
      rerank: [
        { index: 1, relevance_score: 0.875, text: documents[1] },
        { index: 2, relevance_score: 0.875 * (2 / 3), text: documents[2] },
      ],
    });
    expect(onlyRequest(service.mock, 'rerank').rawBody).toBe(
      `{"model":"rerank-2","query":"capital of France","documents":${JSON.stringify(documents)},"return_documents":true,"top_k":2}`,
    );
  });

  test("the endpoint's task settings are sent; a request's own task_settings are not, as in Elasticsearch", async () => {
    const id = newId('voyage-rerank-ts');
    await createEndpoint(service, 'rerank', id, endpoint('rerank-2', {}, { task_settings: { top_k: 1, return_documents: false, truncation: true } }));
    const result = await service.server.call('POST', `/_inference/rerank/${id}`, { query: 'France', input: documents, task_settings: { top_k: 3 } });
    expect(result.json.rerank).toHaveLength(1);
    expect(bodyOf(onlyRequest(service.mock, 'rerank'))).toEqual({
      model: 'rerank-2',
      query: 'France',
      documents,
      return_documents: false,
      top_k: 1,
      truncation: true,
    });
  });

  test('results out of order, more than top_n or naming no input are sorted and cut by infergate', async () => {
    const id = newId('voyage-rerank-cut');
    await createEndpoint(service, 'rerank', id, endpoint('rerank-2'));
    const data = [
      { relevance_score: 0.1, index: 0 },
      { relevance_score: 0.9, index: 2 },
      { relevance_score: 0.95, index: 7 },
      { relevance_score: 0.5, index: 1 },
    ];
    service.mock.enqueueFault('rerank', { kind: 'status', status: 200, body: { object: 'list', data, model: 'rerank-2' } });
    const result = await service.server.call('POST', `/_inference/rerank/${id}`, { query: 'q', input: documents, top_n: 2 });
    expect(result.json).toEqual({ rerank: [{ index: 2, relevance_score: 0.9 }, { index: 1, relevance_score: 0.5 }] });
  });
});
