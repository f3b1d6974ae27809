/** What is SageMaker's own (reference §8.10), as Elasticsearch's SageMaker classes send and read it: the settings of
 * each api, the requests' path, headers and bodies, and how the answers are read. */
import { expectEsError, expectSimpleEsError } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { SAGEMAKER_KEY, startMockSageMaker } from './mock-sagemaker';
import { KEYS, sagemaker } from './sagemaker-setup';

const service = withMockedService('amazon_sagemaker', startMockSageMaker);
const put = (taskType: string, id: string, body: Record<string, unknown>) => service.server.call('PUT', `/_inference/${taskType}/${id}`, body);

describe('PUT', () => {
  test('openai text embeddings: the validation call learns the size, no similarity is made up, secrets are not shown', async () => {
    const id = newId('sm-oai');
    const response = await put('text_embedding', id, sagemaker('openai', 'text_embedding', { target_model: 'model-a.tar.gz', batch_size: 8 }));
    expect(response.status).toBe(200);
    expect(response.json.service_settings).toEqual({
      region: 'us-east-1',
      api: 'openai',
      endpoint_name: 'openai-text-embedding',
      target_model: 'model-a.tar.gz',
      batch_size: 8,
      dimensions: 16,
    });
    // In SageMakerServiceSettings.toXContent's order.
    expect(Object.keys(response.json.service_settings)).toEqual(['endpoint_name', 'region', 'api', 'target_model', 'batch_size', 'dimensions']);
    expect(response.text).not.toContain(SAGEMAKER_KEY.secretAccessKey);
    expect(response.text).not.toContain(SAGEMAKER_KEY.accessKeyId);
    const validation = onlyRequest(service.mock, 'invocations');
    expect(validation.path).toBe('/endpoints/openai-text-embedding/invocations');
    expect(validation.rawBody).toBe('{"input":"how big"}');
    expect(validation.headers['content-type']).toBe('application/json');
    expect(validation.headers.accept).toBe('application/json');
    expect(validation.headers['x-amzn-sagemaker-target-model']).toBe('model-a.tar.gz');
    expect(validation.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAQ3EGVP7NXKWMB2TZ\/\d{8}\/us-east-1\/sagemaker\/aws4_request/);
  });

  test('elastic text embeddings need an element type; the validation stores dimensions_set_by_user false', async () => {
    expectEsError(
      await put('text_embedding', newId('sm-el'), sagemaker('elastic', 'text_embedding')),
      400,
      'validation_exception',
      'Validation Failed: 1: [service_settings] does not contain the required setting [element_type];',
    );
    service.mock.elementType = 'bit';
    service.mock.dimensions = 64;
    const response = await put('text_embedding', newId('sm-el'), sagemaker('elastic', 'text_embedding', { element_type: 'bit', similarity: 'l2_norm' }));
    expect(response.json.service_settings).toMatchObject({ element_type: 'bit', similarity: 'l2_norm', dimensions: 64, dimensions_set_by_user: false });
    expect(bodyOf(onlyRequest(service.mock, 'invocations'))).toEqual({ input: 'how big', input_type: 'ingest' });
  });

  test('a task type the api does not serve, or an unknown api, is a 405 worded as Elasticsearch words it', async () => {
    expectSimpleEsError(
      await put('sparse_embedding', newId('sm-405'), sagemaker('openai', 'sparse_embedding')),
      405,
      'status_exception',
      'Task [openai] is not compatible for service [sagemaker] and api [sparse_embedding]. Supported tasks: [[text_embedding, completion, chat_completion]]',
    );
    expectSimpleEsError(
      await put('rerank', newId('sm-405'), sagemaker('cohere', 'rerank')),
      405,
      'status_exception',
      'Task [cohere] is not compatible for service [sagemaker] and api [rerank]. Supported tasks: [[]]',
    );
    expect(service.mock.requests).toHaveLength(0);
  });

  test("each api's settings: the elastic api stores no task settings, the openai api has no element type", async () => {
    expectSimpleEsError(
      await put('completion', newId('sm-ts'), sagemaker('elastic', 'completion', {}, { task_settings: { custom_attributes: 'a' } })),
      400,
      'validation_exception',
      'Validation Failed: 1: task_settings is only supported during the inference request and cannot be stored in the inference endpoint.;',
    );
    expectSimpleEsError(
      await put('text_embedding', newId('sm-ts'), sagemaker('openai', 'text_embedding', { similarity: 'cosine' })),
      400,
      'status_exception',
      'Model configuration contains settings [{similarity=cosine}] unknown to the [amazon_sagemaker] service',
    );
    expectSimpleEsError(
      await put('completion', newId('sm-ts'), sagemaker('openai', 'completion', {}, { task_settings: { temperature: 1 } })),
      400,
      'status_exception',
      'Model configuration contains settings [{temperature=1}] unknown to the [amazon_sagemaker] service',
    );
    expectEsError(
      await put('completion', newId('sm-ts'), { service: 'amazon_sagemaker', service_settings: { region: 'us-east-1', api: 'openai', endpoint_name: 'x' } }),
      400,
      'validation_exception',
      /\[secret_settings\] does not contain the required setting \[access_key\];.*\[secret_settings\] does not contain the required setting \[secret_key\];/,
    );
    expectEsError(
      await put('completion', newId('sm-ts'), sagemaker('openai', 'completion', { region: 'evil.example/x' })),
      400,
      'validation_exception',
      /\[region\] must be the name of an AWS region/,
    );
    expect(service.mock.requests).toHaveLength(0);
  });

  test('a wrong secret key: SageMaker refuses the signature, the answer names no secret', async () => {
    const response = await put('completion', newId('sm-sig'), sagemaker('openai', 'completion', { secret_key: 'x'.repeat(40) }));
    expect(response.status).toBe(400);
    expect(response.json.error.caused_by).toMatchObject({ type: 'status_exception', reason: expect.stringMatching(/^Received an error from SageMaker for \[sm-sig-\d+\]$/) });
    expect(response.json.error.caused_by.caused_by.reason).toMatch(/^The request signature we calculated does not match .* \(Service: SageMakerRuntime, Status Code: 403, Request ID: [0-9a-f-]+\)$/);
    expect(response.text).not.toContain('x'.repeat(16));
  });
});

describe('inference', () => {
  test('openai embeddings: dimensions, user and the SDK headers of the settings; batches of batch_size', async () => {
    const id = newId('sm-emb');
    await createEndpoint(service, 'text_embedding', id, sagemaker('openai', 'text_embedding', { batch_size: 2, inference_component_name: 'ic-1', target_container_hostname: 'c1' }, { task_settings: { user: 'me', session_id: 'NEW_SESSION' } }));
    const response = await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: ['a', 'b', 'c'], task_settings: { target_variant: 'v2', custom_attributes: 'trace=1' } });
    expect(response.json.text_embedding).toHaveLength(3);
    const sent = service.mock.requestsTo('invocations');
    expect(sent.map((request) => request.rawBody).sort()).toEqual(['{"input":"c","user":"me","dimensions":16}', '{"input":["a","b"],"user":"me","dimensions":16}']);
    expect(sent[0].headers).toMatchObject({
      'x-amzn-sagemaker-inference-component': 'ic-1',
      'x-amzn-sagemaker-target-container-hostname': 'c1',
      'x-amzn-sagemaker-session-id': 'NEW_SESSION',
      'x-amzn-sagemaker-target-variant': 'v2',
      'x-amzn-sagemaker-custom-attributes': 'trace=1',
    });
  });

  test('elastic byte embeddings and sparse embeddings read as Elasticsearch results; task settings passed through', async () => {
    service.mock.elementType = 'byte';
    const id = newId('sm-byte');
    await createEndpoint(service, 'text_embedding', id, sagemaker('elastic', 'text_embedding', { element_type: 'byte' }));
    service.mock.elementType = 'byte';
    const bytes = await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'a', input_type: 'search', task_settings: { inference_id: 'audit-1', top_k: 3 } });
    expect(Object.keys(bytes.json)).toEqual(['text_embedding_bytes']);
    expect(bytes.json.text_embedding_bytes[0].embedding.every((v: number) => Number.isInteger(v) && v >= -128 && v <= 127)).toBe(true);
    const request = onlyRequest(service.mock, 'invocations');
    expect(request.rawBody).toBe('{"input":"a","input_type":"search","task_settings":{"top_k":3}}');
    expect(request.headers['x-amzn-sagemaker-inference-id']).toBe('audit-1');

    const sparse = newId('sm-sparse');
    await createEndpoint(service, 'sparse_embedding', sparse, sagemaker('elastic', 'sparse_embedding'));
    const answer = await service.server.call('POST', `/_inference/sparse_embedding/${sparse}`, { input: 'Hello world' });
    expect(answer.json).toEqual({ sparse_embedding: [{ is_truncated: false, embedding: { hello: 1, world: 0.5 } }] });
  });

  test('elastic rerank sends query, return_documents and top_n and keeps the endpoint\'s ranking', async () => {
    const id = newId('sm-rr');
    await createEndpoint(service, 'rerank', id, sagemaker('elastic', 'rerank'));
    const response = await service.server.call('POST', `/_inference/rerank/${id}`, { input: ['red fox', 'blue sky', 'red sky'], query: 'red sky', top_n: 2, return_documents: true });
    expect(onlyRequest(service.mock, 'invocations').rawBody).toBe('{"input":["red fox","blue sky","red sky"],"query":"red sky","return_documents":true,"top_n":2}');
    expect(response.json.rerank.map((doc: { index: number; text: string }) => [doc.index, doc.text])).toEqual([[2, 'red sky'], [0, 'red fox']]);
  });

  test('completion on each api: OpenAI chat JSON or Elasticsearch completion JSON', async () => {
    const openai = newId('sm-cmp');
    await createEndpoint(service, 'completion', openai, sagemaker('openai', 'completion', {}, { task_settings: { user: 'me' } }));
    const first = await service.server.call('POST', `/_inference/completion/${openai}`, { input: 'hi' });
    expect(first.json).toEqual({ completion: [{ result: 'You said: hi' }] });
    expect(onlyRequest(service.mock, 'invocations').rawBody).toBe('{"messages":[{"content":"hi","role":"user"}],"n":1,"stream":false,"user":"me"}');
    service.mock.reset();

    const elastic = newId('sm-cmp');
    await createEndpoint(service, 'completion', elastic, sagemaker('elastic', 'completion'));
    const second = await service.server.call('POST', `/_inference/completion/${elastic}`, { input: 'hi' });
    expect(second.json).toEqual({ completion: [{ result: 'You said: hi' }] });
    expect(onlyRequest(service.mock, 'invocations').rawBody).toBe('{"input":"hi"}');
  });

  test('an answer with a field Elasticsearch does not know is not translated', async () => {
    const id = newId('sm-bad');
    await createEndpoint(service, 'completion', id, sagemaker('elastic', 'completion'));
    service.mock.enqueueFault('invocations', { kind: 'wrongShape' });
    const response = await service.server.call('POST', `/_inference/completion/${id}`, { input: 'hi' });
    expect(response.status).toBe(500);
    expect(response.json.error).toMatchObject({ type: 'status_exception', reason: 'Failed to translate SageMaker response for [%s]', caused_by: { type: 'x_content_parse_exception' } });
    expect(service.mock.requestsTo('invocations')).toHaveLength(1);
  });

  test('hostile task settings: a wrong type is a 400 naming the field, a header-breaking value a 400, never a 500', async () => {
    const id = newId('sm-hostile');
    await createEndpoint(service, 'completion', id, sagemaker('elastic', 'completion'));
    expectSimpleEsError(
      await service.server.call('POST', `/_inference/completion/${id}`, { input: 'hi', task_settings: { session_id: 5 } }),
      400,
      'validation_exception',
      'Validation Failed: 1: field [session_id] is not of the expected type. The value [5] cannot be converted to a [String];',
    );
    const broken = await service.server.call('POST', `/_inference/completion/${id}`, { input: 'hi', task_settings: { custom_attributes: 'a\r\nx-injected: 1' } });
    expect(broken.status).toBe(400);
    expect(service.mock.requests.every((request) => request.headers['x-injected'] === undefined)).toBe(true);
  });

  test('the keys can be changed by _update, and the next request is signed with the new ones', async () => {
    const id = newId('sm-upd');
    await createEndpoint(service, 'completion', id, sagemaker('elastic', 'completion'));
    const update = (secret: string) => service.server.call('PUT', `/_inference/completion/${id}/_update`, { service_settings: { ...KEYS, secret_key: secret } });
    expect((await update('y'.repeat(40))).status).toBe(200);
    expect((await service.server.call('POST', `/_inference/completion/${id}`, { input: 'hi' })).status).toBe(500);
    expect((await update(KEYS.secret_key)).status).toBe(200);
    expect((await service.server.call('POST', `/_inference/completion/${id}`, { input: 'hi' })).status).toBe(200);
  });
});
