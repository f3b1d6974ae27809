/** What is Cohere's own (reference §8.3), as Elasticsearch's Cohere classes send and read it, on the V2 API of new
 * endpoints: headers, bodies byte for byte, embedding types, input types, batches, rerank and completion. */
import { expectEventStream, expectSimpleEsError, framesOf, postRaw } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { COHERE_API_KEY, startMockCohere } from './mock-cohere';

const service = withMockedService('cohere', startMockCohere);
const endpoint = (settings: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  service: 'cohere',
  service_settings: { api_key: COHERE_API_KEY, ...settings },
  ...extra,
});
const EMBED = 'embed-english-v3.0';
const embed = (id: string, body: Record<string, unknown>) => service.server.call('POST', `/_inference/text_embedding/${id}`, body);

describe('text_embedding', () => {
  test("PUT: the validation call on /v2/embed with Elasticsearch's headers and body; what it stores", async () => {
    const id = newId('co-emb');
    const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint({ model_id: EMBED }));
    expect(put.status).toBe(200);
    expect(put.json.service_settings).toEqual({
      model_id: EMBED,
      rate_limit: { requests_per_minute: 10000 },
      embedding_type: 'float',
      similarity: 'cosine',
      dimensions: 1024,
    });
    const validation = onlyRequest(service.mock, 'embed');
    expect(validation.path).toBe('/v2/embed');
    expect(validation.headers.authorization).toBe(`Bearer ${COHERE_API_KEY}`);
    expect(validation.headers['request-source']).toBe('unspecified:elasticsearch');
    expect(validation.headers['content-type']).toBe('application/json');
    expect(validation.rawBody).toBe(`{"texts":["how big"],"model":"${EMBED}","input_type":"search_document","embedding_types":["float"]}`);
  });

  test.each([
    ['byte', 'byte', 'int8', 'text_embedding_bytes', 1024, 'cosine'],
    ['int8', 'byte', 'int8', 'text_embedding_bytes', 1024, 'cosine'],
    ['bit', 'bit', 'binary', 'text_embedding_bits', 1024, 'l2_norm'],
    ['binary', 'bit', 'binary', 'text_embedding_bits', 1024, 'l2_norm'],
  ])('embedding_type %s: stored as %s, asked as %s, answered as %s', async (given, stored, asked, shape, dimensions, similarity) => {
    const id = newId('co-type');
    const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint({ model_id: EMBED, embedding_type: given }));
    expect(put.json.service_settings).toMatchObject({ embedding_type: stored, dimensions, similarity });
    service.mock.reset();
    const result = await embed(id, { input: ['one', 'two'] });
    expect(Object.keys(result.json)).toEqual([shape]);
    const vectors = result.json[shape] as { embedding: number[] }[];
    expect(vectors).toHaveLength(2);
    expect(vectors[0].embedding).toHaveLength(stored === 'bit' ? 128 : 1024);
    expect(vectors.flatMap((vector) => vector.embedding).every((value) => Number.isInteger(value) && value >= -128 && value <= 127)).toBe(true);
    expect(bodyOf(onlyRequest(service.mock, 'embed')).embedding_types).toEqual([asked]);
  });

  test('input_type: the request over the task setting, in Cohere names; search_query when neither; truncate as given', async () => {
    const id = newId('co-input');
    const put = await createEndpoint(service, 'text_embedding', id, endpoint({ model_id: EMBED }, { task_settings: { input_type: 'classification', truncate: 'END' } }));
    expect(put.json.task_settings).toEqual({ input_type: 'classification', truncate: 'end' });
    await embed(id, { input: 'a', input_type: 'search' });
    await embed(id, { input: 'b', input_type: 'ingest' });
    await embed(id, { input: 'c', input_type: 'clustering' });
    await embed(id, { input: 'd' });
    await embed(id, { input: 'e', task_settings: { truncate: 'none' } });
    expect(service.mock.requestsTo('embed').map((request) => request.rawBody)).toEqual([
      `{"texts":["a"],"model":"${EMBED}","input_type":"search_query","embedding_types":["float"],"truncate":"end"}`,
      `{"texts":["b"],"model":"${EMBED}","input_type":"search_document","embedding_types":["float"],"truncate":"end"}`,
      `{"texts":["c"],"model":"${EMBED}","input_type":"clustering","embedding_types":["float"],"truncate":"end"}`,
      `{"texts":["d"],"model":"${EMBED}","input_type":"classification","embedding_types":["float"],"truncate":"end"}`,
      `{"texts":["e"],"model":"${EMBED}","input_type":"classification","embedding_types":["float"],"truncate":"none"}`,
    ]);

    const plain = newId('co-plain');
    await createEndpoint(service, 'text_embedding', plain, endpoint({ model_id: EMBED }));
    await embed(plain, { input: 'x' });
    expect(bodyOf(onlyRequest(service.mock, 'embed')).input_type).toBe('search_query');
  });

  test('batches of 96, vectors in input order', async () => {
    const id = newId('co-batch');
    await createEndpoint(service, 'text_embedding', id, endpoint({ model_id: EMBED }));
    const input = Array.from({ length: 200 }, (_, i) => `text number ${i}`);
    const result = await embed(id, { input });
    expect(result.json.text_embedding).toHaveLength(200);
    expect(service.mock.requestsTo('embed').map((request) => (bodyOf(request).texts as string[]).length).sort((a, b) => a - b)).toEqual([8, 96, 96]);
    service.mock.reset();
    const single = await embed(id, { input: 'text number 150' });
    expect(result.json.text_embedding[150]).toEqual(single.json.text_embedding[0]);
  });

  test("model_id is required by V2; the deprecated `model` is stored as model_id; a too-large texts array is Cohere's own error", async () => {
    expectSimpleEsError(
      await service.server.call('PUT', `/_inference/text_embedding/${newId('co-nomodel')}`, endpoint({})),
      400,
      'validation_exception',
      'Validation Failed: 1: The [service_settings.model_id] field is required for the Cohere V2 API.;',
    );
    expect(service.mock.requests).toHaveLength(0);

    const id = newId('co-alias');
    const put = await createEndpoint(service, 'text_embedding', id, endpoint({ model: 'embed-multilingual-v3.0' }));
    expect(put.json.service_settings.model_id).toBe('embed-multilingual-v3.0');
    expect(put.json.service_settings).not.toHaveProperty('model');

    service.mock.enqueueFault('embed', { kind: 'status', status: 400, body: { message: 'invalid request: total number of texts must be at most 96 - received 97' } });
    const failed = await embed(id, { input: 'x' });
    expect(failed.status).toBe(400);
    expect(failed.json.error.reason).toBe(
      `Received a texts array too large response for request from inference entity id [${id}] status [400]. Error message: [invalid request: total number of texts must be at most 96 - received 97]`,
    );
  });

  test('answers Elasticsearch cannot read: no supported embedding type, a byte out of range', async () => {
    const id = newId('co-unreadable');
    await createEndpoint(service, 'text_embedding', id, endpoint({ model_id: EMBED, embedding_type: 'byte' }));
    service.mock.enqueueFault('embed', { kind: 'status', status: 200, body: { embeddings: { uint8: [[1, 2]] } } });
    const unsupported = await embed(id, { input: 'x' });
    expect(unsupported.status).toBe(500);
    expect(unsupported.json.error.reason).toMatch(/^Failed to send Cohere embeddings request\. Cause: .*Failed to find a supported embedding type in the Cohere embeddings response\. Supported types are \[float, int8, binary\]/);
    service.mock.enqueueFault('embed', { kind: 'status', status: 200, body: { embeddings: { int8: [[1, 300]] } } });
    const outOfRange = await embed(id, { input: 'x' });
    expect(outOfRange.status).toBe(500);
    expect(outOfRange.json.error.reason).toContain('Value [300] is out of range for a byte');
  });

  test('input types Cohere has no name for are refused before any call', async () => {
    const id = newId('co-refuse');
    await createEndpoint(service, 'text_embedding', id, endpoint({ model_id: EMBED }));
    const refused = await embed(id, { input: 'a', input_type: 'bogus' });
    expect(refused.status).toBe(400);
    expect(service.mock.requests).toHaveLength(0);
  });
});

describe('rerank', () => {
  const documents = ['Bananas are yellow.', 'Paris is the capital of France.', 'France borders Spain.'];

  test('the body in Elasticsearch order, request over task settings; sorted, with text, top_n honoured', async () => {
    const id = newId('co-rerank');
    const put = await createEndpoint(service, 'rerank', id, endpoint({ model_id: 'rerank-english-v3.0' }, { task_settings: { top_n: 10, return_documents: false } }));
    expect(put.json.service_settings).toEqual({ model_id: 'rerank-english-v3.0', rate_limit: { requests_per_minute: 10000 } });
    const result = await service.server.call('POST', `/_inference/rerank/${id}`, { query: 'capital of France', input: documents, top_n: 2, return_documents: true });
    expect(result.json.rerank.map((entry: { index: number }) => entry.index)).toEqual([1, 2]);
    expect(result.json.rerank[0].text).toBe('Paris is the capital of France.');
    const request = onlyRequest(service.mock, 'rerank');
    expect(request.path).toBe('/v2/rerank');
    expect(request.rawBody).toBe(
      `{"model":"rerank-english-v3.0","query":"capital of France","documents":${JSON.stringify(documents)},"return_documents":true,"top_n":2}`,
    );
  });

  test('a provider that returns more than top_n is cut; without return_documents no text', async () => {
    const id = newId('co-topn');
    await createEndpoint(service, 'rerank', id, endpoint({ model_id: 'rerank-english-v3.0' }, { task_settings: { top_n: 1 } }));
    service.mock.ignoreTopN = true;
    const result = await service.server.call('POST', `/_inference/rerank/${id}`, { query: 'capital of France', input: documents });
    expect(result.json.rerank).toEqual([{ index: 1, relevance_score: expect.any(Number) }]);
  });
});

describe('completion', () => {
  test("V2 chat body; the answer's text; a stream of Cohere's server-sent events in Elasticsearch framing", async () => {
    const id = newId('co-chat');
    await createEndpoint(service, 'completion', id, endpoint({ model_id: 'command-a-03-2025' }));
    const result = await service.server.call('POST', `/_inference/completion/${id}`, { input: 'Hello there' });
    expect(result.json).toEqual({ completion: [{ result: 'Echo: Hello there' }] });
    expect(onlyRequest(service.mock, 'chat').rawBody).toBe('{"messages":[{"role":"user","content":"Hello there"}],"model":"command-a-03-2025","stream":false}');

    service.mock.reset();
    const streamed = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'Hello there' });
    expectEventStream(streamed, 200);
    const deltas = framesOf(streamed.text)
      .filter((frame) => frame.event === 'message' && frame.data !== '[DONE]')
      .flatMap((frame) => (JSON.parse(frame.data) as { completion: { delta: string }[] }).completion.map((item) => item.delta));
    expect(deltas.join('')).toBe('Echo: Hello there');
    expect(bodyOf(onlyRequest(service.mock, 'chat')).stream).toBe(true);

    service.mock.reset();
    expectSimpleEsError(await service.server.call('POST', `/_inference/completion/${id}`, { input: ['a', 'b'] }), 400, 'status_exception', 'Cohere completion only accepts 1 input');
    expect(service.mock.requests).toHaveLength(0);
  });

  test('a stream Cohere ends with an error: an error event after what it sent', async () => {
    const id = newId('co-chat-err');
    await createEndpoint(service, 'completion', id, endpoint({ model_id: 'command-a-03-2025' }));
    service.mock.enqueueFault('chat', { kind: 'streamError', chunks: 1, message: 'the model overloaded' });
    const streamed = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'Hello there' });
    const frames = framesOf(streamed.text);
    expect(frames[0].event).toBe('message');
    expect(frames.at(-1)!.event).toBe('error');
    expect(frames.at(-1)!.data).toContain('Cohere stopped the stream due to an error: the model overloaded');
  });
});
