/** What is Azure AI Studio's own (reference §8.11), as Elasticsearch's AzureAiStudio classes send and read it: the
 * URL and auth header of each provider and endpoint type, the bodies byte for byte, the answers of both endpoint
 * kinds, the provider × endpoint type × task type rules, and the handler's errors. */
import { expectEventStream, expectSimpleEsError, framesOf, postRaw } from '../../support/assertions';
import { parseHostPatterns } from '../../../server/providers/kit/host-patterns';
import { startTestServer } from '../../support/server';
import { bodyOf, createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { AZURE_AI_STUDIO_KEY, startMockAzureAiStudio } from './mock-azureaistudio';

const service = withMockedService('azureaistudio', startMockAzureAiStudio);

const SERVERLESS = 'https://my-deployment.eastus2.models.ai.azure.com';
const OPENAI_EMBEDDINGS = 'https://my-resource.openai.azure.com/openai/deployments/embed/embeddings?api-version=2024-02-01';
const OPENAI_CHAT = 'https://my-resource.openai.azure.com/openai/deployments/chat/chat/completions?api-version=2024-02-01';
const MANAGED = 'https://my-endpoint.eastus2.inference.ml.azure.com/score';

const endpoint = (provider: string, endpointType: string, target: string, extra: Record<string, unknown> = {}, settings: Record<string, unknown> = {}) => ({
  service: 'azureaistudio',
  service_settings: { api_key: AZURE_AI_STUDIO_KEY, target, provider, endpoint_type: endpointType, ...settings },
  ...extra,
});

describe('text_embedding', () => {
  test('an OpenAI deployment: the target as given, the key as `api-key`, ingest sent as `document`; dot_product stored', async () => {
    const id = newId('aais-openai-emb');
    const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint('openai', 'token', OPENAI_EMBEDDINGS));
    expect(put.status).toBe(200);
    expect(put.json.service_settings).toEqual({
      target: OPENAI_EMBEDDINGS,
      provider: 'openai',
      endpoint_type: 'token',
      rate_limit: { requests_per_minute: 240 },
      dimensions: 1024,
      similarity: 'dot_product',
    });
    const validation = onlyRequest(service.mock, 'embeddings');
    expect(validation.path).toBe('/openai/deployments/embed/embeddings');
    expect(validation.query['api-version']).toBe('2024-02-01');
    expect(validation.headers['api-key']).toBe(AZURE_AI_STUDIO_KEY);
    expect(validation.headers.authorization).toBeUndefined();
    expect(validation.headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(validation.rawBody).toBe('{"input":["how big"],"input_type":"document"}');
    expect(JSON.stringify((await service.server.call('GET', `/_inference/${id}`)).json)).not.toContain(AZURE_AI_STUDIO_KEY);
  });

  test('a serverless Cohere deployment: `/v1/embeddings` beside the target, the bare key as `Authorization`; user, dimensions and search', async () => {
    const id = newId('aais-cohere-emb');
    await createEndpoint(service, 'text_embedding', id, endpoint('cohere', 'token', SERVERLESS, { task_settings: { user: 'me' } }, { dimensions: 1024 }));
    await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: ['a', 'b'], input_type: 'search' });
    const sent = onlyRequest(service.mock, 'embeddings');
    expect(sent.path).toBe('/v1/embeddings');
    expect(sent.headers.authorization).toBe(AZURE_AI_STUDIO_KEY);
    expect(sent.rawBody).toBe('{"input":["a","b"],"user":"me","dimensions":1024,"input_type":"query"}');
  });

  test('dimensions the deployment does not return fail the PUT; an input type it has no use for is refused', async () => {
    const put = await service.server.call('PUT', `/_inference/text_embedding/${newId('aais-dims')}`, endpoint('cohere', 'token', SERVERLESS, {}, { dimensions: 8 }));
    expect(put.status).toBe(200); // the mock honours `dimensions`
    const id = newId('aais-mismatch');
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 200, body: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.5, 0.5] }], model: 'm' } });
    const mismatch = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint('cohere', 'token', SERVERLESS, {}, { dimensions: 8 }));
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.error.reason).toBe(
      `The retrieved embeddings size [2] does not match the size specified in the settings [8]. Please recreate the [${id}] configuration with the correct dimensions`,
    );
    const ok = newId('aais-types');
    await createEndpoint(service, 'text_embedding', ok, endpoint('cohere', 'token', SERVERLESS));
    expectSimpleEsError(
      await service.server.call('POST', `/_inference/text_embedding/${ok}`, { input: 'a', input_type: 'classification' }),
      400,
      'validation_exception',
      'Validation Failed: 1: Input type [classification] is not supported for [Azure AI Studio];',
    );
  });
  test('inputs are cut to max_input_tokens (three characters a token), and halved after a 413', async () => {
    const id = newId('aais-truncate');
    await createEndpoint(service, 'text_embedding', id, endpoint('cohere', 'token', SERVERLESS, {}, { max_input_tokens: 2 }));
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 413 });
    expect((await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'abcdefghij' })).status).toBe(200);
    expect(service.mock.requestsTo('embeddings').map((request) => bodyOf(request).input)).toEqual([['abcdef'], ['abc']]);
  });
});

describe('completion', () => {
  test('a serverless deployment: OpenAI-style messages, Elasticsearch `parameters` (max_new_tokens 64 stored by the PUT)', async () => {
    const id = newId('aais-token');
    const put = await service.server.call('PUT', `/_inference/completion/${id}`, endpoint('meta', 'token', SERVERLESS));
    expect(put.json.task_settings).toEqual({ max_new_tokens: 64 });
    const validation = onlyRequest(service.mock, 'chat');
    expect(validation.path).toBe('/v1/chat/completions');
    expect(validation.headers.authorization).toBe(AZURE_AI_STUDIO_KEY);
    expect(validation.rawBody).toBe('{"messages":[{"content":"how big","role":"user"}]}');

    service.mock.reset();
    const answer = await service.server.call('POST', `/_inference/completion/${id}`, {
      input: ['first', 'second "quoted"'],
      task_settings: { temperature: 1, top_p: 0.5, do_sample: true },
    });
    expect(answer.json).toEqual({ completion: [{ result: 'Echo: second "quoted"' }] });
    expect(onlyRequest(service.mock, 'chat').rawBody).toBe(
      '{"messages":[{"content":"first","role":"user"},{"content":"second \\"quoted\\"","role":"user"}],' +
        '"parameters":{"temperature":1.0,"top_p":0.5,"do_sample":true,"max_new_tokens":64}}',
    );
  });

  test('a stream asks with `"stream":true` last and relays the deltas', async () => {
    const id = newId('aais-stream');
    await createEndpoint(service, 'completion', id, endpoint('cohere', 'token', SERVERLESS, { task_settings: { max_new_tokens: 5 } }));
    const response = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'hello there' });
    expectEventStream(response, 200);
    const text = framesOf(response.text)
      .filter((frame) => frame.event === 'message' && frame.data !== '[DONE]')
      .map((frame) => (JSON.parse(frame.data) as { completion: Array<{ delta: string }> }).completion.map((c) => c.delta).join(''))
      .join('');
    expect(text).toBe('Echo: hello there');
    expect(onlyRequest(service.mock, 'chat').rawBody).toBe('{"messages":[{"content":"hello there","role":"user"}],"parameters":{"max_new_tokens":5},"stream":true}');
  });

  test('an OpenAI deployment is called at its target with `api-key`', async () => {
    const id = newId('aais-openai-chat');
    await createEndpoint(service, 'completion', id, endpoint('openai', 'token', OPENAI_CHAT));
    await service.server.call('POST', `/_inference/completion/${id}`, { input: 'hi' });
    const sent = onlyRequest(service.mock, 'chat');
    expect(sent.path).toBe('/openai/deployments/chat/chat/completions');
    expect(sent.headers['api-key']).toBe(AZURE_AI_STUDIO_KEY);
  });

  test('a managed online endpoint: `input_data` at the target, a Bearer key, the answer read from `output`', async () => {
    const id = newId('aais-realtime');
    const put = await service.server.call('PUT', `/_inference/completion/${id}`, endpoint('mistral', 'realtime', MANAGED, { task_settings: { temperature: 0.2 } }));
    expect(put.status).toBe(200);
    const validation = onlyRequest(service.mock, 'score');
    expect(validation.headers.authorization).toBe(`Bearer ${AZURE_AI_STUDIO_KEY}`);
    expect(validation.rawBody).toBe('{"input_data":{"input_string":[{"content":"how big","role":"user"}],"parameters":{"temperature":0.2}}}');
    expect(put.json.task_settings).toEqual({ temperature: 0.2, max_new_tokens: 64 });

    service.mock.reset();
    service.mock.config.replyText = 'Elastic is a search company.';
    const answer = await service.server.call('POST', `/_inference/completion/${id}`, { input: 'What is Elastic?' });
    expect(answer.json).toEqual({ completion: [{ result: 'Elastic is a search company.' }] });
  });

  test('a realtime stream asks with a top-level `"stream":true`; its JSON answer holds no events', async () => {
    const id = newId('aais-realtime-stream');
    await createEndpoint(service, 'completion', id, endpoint('meta', 'realtime', MANAGED));
    const response = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'hi' });
    expectEventStream(response, 200);
    expect(framesOf(response.text).filter((frame) => frame.data !== '[DONE]')).toEqual([]);
    expect(onlyRequest(service.mock, 'score').rawBody).toBe(
      '{"input_data":{"input_string":[{"content":"hi","role":"user"}],"parameters":{"max_new_tokens":64}},"stream":true}',
    );
  });

  test('a realtime answer without `output` is unreadable, asked for again, then a 500', async () => {
    const id = newId('aais-realtime-bad');
    await createEndpoint(service, 'completion', id, endpoint('databricks', 'realtime', MANAGED));
    for (let i = 0; i < 3; i++) service.mock.enqueueFault('score', { kind: 'wrongShape' });
    const response = await service.server.call('POST', `/_inference/completion/${id}`, { input: 'x' });
    expect(response.status).toBe(500);
    expect(response.json.error.reason).toContain('Failed to send Azure AI Studio completion request');
    expect(response.json.error.reason).toContain('Reached an invalid state while parsing the Azure AI Studio completion response');
  });

  test('a failed validation call stores nothing; without validation nothing is added to the task settings', async () => {
    service.mock.enqueueFault('chat', { kind: 'status', status: 401 });
    const failed = newId('aais-failed');
    expect((await service.server.call('PUT', `/_inference/completion/${failed}`, endpoint('meta', 'token', SERVERLESS))).status).toBe(400);
    expect((await service.server.call('GET', `/_inference/${failed}`)).status).toBe(404);
    service.mock.reset();

    const id = newId('aais-skip');
    const server = await startTestServer({ upstreamOrigins: { azureaistudio: service.mock.url }, skipValidation: true });
    try {
      const put = await server.call('PUT', `/_inference/completion/${id}`, endpoint('meta', 'realtime', MANAGED));
      expect(put.json.task_settings ?? {}).toEqual({});
      expect(service.mock.requests).toHaveLength(0);
    } finally {
      await server.stop();
    }
  });
});

test('rerank: documents before query, the request top_n and return_documents before the stored ones, Cohere results in order', async () => {
  const id = newId('aais-rerank');
  await createEndpoint(service, 'rerank', id, endpoint('cohere', 'token', `${SERVERLESS}/`, { task_settings: { top_n: 2, return_documents: false } }));
  const result = await service.server.call('POST', `/_inference/rerank/${id}`, {
    query: 'capital of France',
    input: ['Bananas are yellow.', 'Paris is the capital of France.', 'France is in Europe.'],
    top_n: 1,
    return_documents: true,
  });
  expect(result.json.rerank).toEqual([{ index: 1, relevance_score: expect.any(Number), text: 'Paris is the capital of France.' }]);
  const sent = onlyRequest(service.mock, 'rerank');
  expect(sent.path).toBe('/v1/rerank');
  expect(sent.headers.authorization).toBe(AZURE_AI_STUDIO_KEY);
  expect(sent.rawBody).toBe(
    '{"documents":["Bananas are yellow.","Paris is the capital of France.","France is in Europe."],"query":"capital of France","return_documents":true,"top_n":1}',
  );

  service.mock.reset();
  await service.server.call('POST', `/_inference/rerank/${id}`, { query: 'q', input: ['a', 'b', 'c'] });
  expect(bodyOf(onlyRequest(service.mock, 'rerank'))).toEqual({ documents: ['a', 'b', 'c'], query: 'q', return_documents: false, top_n: 2 });
});

describe('what Elasticsearch refuses at PUT', () => {
  const refused: Array<[string, string, string, string, string]> = [
    ['text_embedding', 'mistral', 'token', SERVERLESS, 'The [text_embedding] task type for provider [mistral] is not available'],
    ['text_embedding', 'openai', 'realtime', MANAGED, 'The [realtime] endpoint type with [text_embedding] task type for provider [openai] is not available'],
    ['completion', 'openai', 'realtime', MANAGED, 'The [realtime] endpoint type with [completion] task type for provider [openai] is not available'],
    ['completion', 'mistral', 'token', SERVERLESS, 'The [token] endpoint type with [completion] task type for provider [mistral] is not available'],
    ['completion', 'databricks', 'token', SERVERLESS, 'The [token] endpoint type with [completion] task type for provider [databricks] is not available'],
    ['rerank', 'openai', 'token', SERVERLESS, 'The [rerank] task type for provider [openai] is not available'],
    ['rerank', 'cohere', 'realtime', MANAGED, 'The [realtime] endpoint type with [rerank] task type for provider [cohere] is not available'],
  ];
  test.each(refused)('%s on %s %s', async (taskType, provider, endpointType, target, reason) => {
    const id = newId('aais-refused');
    expectSimpleEsError(await service.server.call('PUT', `/_inference/${taskType}/${id}`, endpoint(provider, endpointType, target)), 400, 'status_exception', reason);
    expect(service.mock.requests).toHaveLength(0);
    expect((await service.server.call('GET', `/_inference/${id}`)).status).toBe(404);
  });

  test('settings in Elasticsearch words', async () => {
    const put = (body: Record<string, unknown>, taskType = 'completion') => service.server.call('PUT', `/_inference/${taskType}/${newId('aais-bad')}`, body);
    expectSimpleEsError(
      await put(endpoint('snowflake', 'token', SERVERLESS)),
      400,
      'validation_exception',
      'Validation Failed: 1: [service_settings] Invalid value [snowflake] received. [provider] must be one of [cohere, databricks, meta, microsoft_phi, mistral, openai];',
    );
    expectSimpleEsError(
      await put(endpoint('meta', 'batch', SERVERLESS)),
      400,
      'validation_exception',
      'Validation Failed: 1: [service_settings] Invalid value [batch] received. [endpoint_type] must be one of [realtime, token];',
    );
    const { target: _target, ...withoutTarget } = endpoint('meta', 'token', SERVERLESS).service_settings;
    expectSimpleEsError(
      await put({ service: 'azureaistudio', service_settings: withoutTarget }),
      400,
      'validation_exception',
      'Validation Failed: 1: [service_settings] does not contain the required setting [target];',
    );
    const { api_key: _key, ...withoutKey } = endpoint('meta', 'token', SERVERLESS).service_settings;
    expectSimpleEsError(
      await put({ service: 'azureaistudio', service_settings: withoutKey }),
      400,
      'validation_exception',
      'Validation Failed: 1: [secret_settings] does not contain the required setting [api_key];',
    );
    expectSimpleEsError(
      await put(endpoint('meta', 'token', SERVERLESS, { task_settings: { temperature: 2.5 } })),
      400,
      'validation_exception',
      'Validation Failed: 1: [task_settings] Invalid value [2.5]. [temperature] must be a less than or equal to [2.0];',
    );
    expectSimpleEsError(
      await put(endpoint('meta', 'token', SERVERLESS, { task_settings: { top_p: -0.5 } })),
      400,
      'validation_exception',
      'Validation Failed: 1: [task_settings] Invalid value [-0.5]. [top_p] must be a greater than or equal to [0.0];',
    );
    expectSimpleEsError(
      await put(endpoint('meta', 'token', SERVERLESS, { task_settings: { max_new_tokens: 0 } })),
      400,
      'validation_exception',
      'Validation Failed: 1: [task_settings] Invalid value [0]. [max_new_tokens] must be a positive integer;',
    );
    expectSimpleEsError(
      await put(endpoint('cohere', 'token', SERVERLESS, { task_settings: { user: '' } }), 'text_embedding'),
      400,
      'validation_exception',
      'Validation Failed: 1: [task_settings] Invalid value empty string. [user] must be a non-empty string;',
    );
    expectSimpleEsError(
      await put(endpoint('cohere', 'token', SERVERLESS, { task_settings: { top_n: 3 } })),
      400,
      'status_exception',
      'Model configuration contains settings [{top_n=3}] unknown to the [azureaistudio] service',
    );
    expect(service.mock.requests).toHaveLength(0);
  });
});

describe('errors, as AzureMistralOpenAiExternalResponseHandler maps them', () => {
  test("Azure's message is quoted; a 400 is \"unsuccessful\"; a 429 says what remains, and is retried", async () => {
    const id = newId('aais-errors');
    await createEndpoint(service, 'text_embedding', id, endpoint('cohere', 'token', SERVERLESS));
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 401 });
    expectSimpleEsError(
      await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'a' }),
      401,
      'status_exception',
      `Received an authentication error status code for request from inference entity id [${id}] status [401]. Error message: [Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.]`,
    );
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 400 });
    expectSimpleEsError(
      await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'a' }),
      400,
      'status_exception',
      `Received an unsuccessful status code for request from inference entity id [${id}] status [400]. Error message: [Input validation error: inputs must be a non-empty list of strings]`,
    );
    service.mock.reset();
    for (let i = 0; i < 3; i++) service.mock.enqueueFault('embeddings', { kind: 'status', status: 429, headers: { 'retry-after': '0' } });
    const limited = await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'a' });
    expect(limited.status).toBe(429);
    expect(limited.json.error.reason).toBe(
      `Received a rate limit status code. Remaining tokens [unknown]. Remaining requests [unknown]. for request from inference entity id [${id}] status [429]. Error message: [Rate limit is exceeded. Try again in 1 seconds.]`,
    );
    expect(service.mock.requestsTo('embeddings')).toHaveLength(3);
  });

  test('a refused realtime key', async () => {
    const id = newId('aais-realtime-key');
    await createEndpoint(service, 'completion', id, endpoint('microsoft_phi', 'realtime', MANAGED));
    const updated = await service.server.call('PUT', `/_inference/completion/${id}/_update`, { service_settings: { api_key: 'wrong-key-0123456789' } });
    expect(updated.status).toBe(200);
    const response = await service.server.call('POST', `/_inference/completion/${id}`, { input: 'x' });
    expect(response.status).toBe(401);
    expect(response.json.error.reason).toBe(
      `Received an authentication error status code for request from inference entity id [${id}] status [401]. Error message: [key_auth_access_denied]`,
    );
    expect(JSON.stringify(response.json)).not.toContain('wrong-key-0123456789');
  });
});

test('a target that is no absolute URL is stored as given (as Elasticsearch does) and fails its calls with a 400', async () => {
  for (const target of ['Target-URI', 'https://bad host/score']) {
    const id = newId('aais-target');
    const put = await service.server.call('PUT', `/_inference/completion/${id}`, endpoint('databricks', 'realtime', target));
    expect(put.status).toBe(400);
    expect(put.json.error.reason).toBe('Could not complete inference endpoint creation as validation call to service threw an exception.');
    expect(put.json.error.caused_by.reason).toContain(`inference entity id [${id}]`);
  }
  expect(service.mock.requests).toHaveLength(0);
});

test('the target is a user-supplied upstream URL: INFERGATE_ALLOWED_UPSTREAM_HOSTS bounds its host', async () => {
  const bounded = await startTestServer({ allowedUpstreamHosts: parseHostPatterns('*.models.ai.azure.com'), skipValidation: true });
  try {
    expect((await bounded.call('PUT', `/_inference/completion/${newId('aais-allowed')}`, endpoint('meta', 'token', SERVERLESS))).status).toBe(200);
    const refused = await bounded.call('PUT', `/_inference/completion/${newId('aais-refused-host')}`, endpoint('meta', 'realtime', 'http://169.254.169.254/score'));
    expect(refused.status).toBe(400);
    expect(refused.json.error.reason).toContain('is not allowed by INFERGATE_ALLOWED_UPSTREAM_HOSTS');
  } finally {
    await bounded.stop();
  }
});
