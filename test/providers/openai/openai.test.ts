/**
 * What is OpenAI's own (reference §8.1, §2.1 step 8), against a real mock OpenAI server: validation calls and learned
 * settings, batching and ordering of embeddings, completion task settings, OAuth2 and the organization header. Its
 * handler's wording is in openai-errors.test.ts; what every service shares, in openai.contract.test.ts.
 */
import { DEFAULT_API_KEY, embeddingFor, type MockOpenAi } from './mock-openai';
import { expectEsError, expectNoSecret } from '../../support/assertions';
import { startTestServer, type TestServer } from '../../support/server';
import { bodyOf, newId } from '../../support/service-setup';
import { fixedLengthEmbeddingsServer, openAiSuite } from './openai-setup';

const { openai, putEmbedding, createEmbedding, createCompletion, embed } = openAiSuite();
let server: TestServer;
let mock: MockOpenAi;
beforeAll(() => ({ server, mock } = openai));

// ---------------------------------------------------------------------------------------------------------------
describe('PUT text_embedding: the validation call', () => {
  test('learns dimensions and defaults similarity to dot_product; no dimensions are sent upstream when not set', async () => {
    const id = newId('emb-learn');
    const put = await putEmbedding(server, id);
    expect(put.status).toBe(200);
    expect(put.json).toEqual({
      inference_id: id,
      task_type: 'text_embedding',
      service: 'openai',
      service_settings: {
        model_id: 'text-embedding-3-small',
        url: mock.embeddingsUrl,
        rate_limit: { requests_per_minute: 3000 },
        similarity: 'dot_product',
        dimensions: 1536,
      },
      chunking_settings: { strategy: 'sentence', max_chunk_size: 250, sentence_overlap: 1 },
    });
    // Exactly one validation request, with the validation input and no `dimensions` key.
    const validation = mock.requestsTo('embeddings');
    expect(validation).toHaveLength(1);
    expect(bodyOf(validation[0]).input).toEqual(['how big']);
    expect(bodyOf(validation[0]).model).toBe('text-embedding-3-small');
    expect(bodyOf(validation[0])).not.toHaveProperty('dimensions');
    expect(validation[0].headers.authorization).toBe(`Bearer ${DEFAULT_API_KEY}`);

    // The learned dimension is the model's default: later calls must not send it either.
    const result = await embed(id, ['one', 'two']);
    expect(result.status).toBe(200);
    expect(result.json.text_embedding.map((e: { embedding: number[] }) => e.embedding.length)).toEqual([1536, 1536]);
    const calls = mock.requestsTo('embeddings');
    expect(calls).toHaveLength(2);
    expect(bodyOf(calls[1])).not.toHaveProperty('dimensions');

    const get = await server.call('GET', `/_inference/${id}`);
    expect(get.json.endpoints[0].service_settings).toEqual(put.json.service_settings);
  });

  test('a user-set dimensions value is sent upstream on validation and every inference call', async () => {
    const id = newId('emb-dims');
    const put = await putEmbedding(server, id, { dimensions: 64, similarity: 'cosine' });
    expect(put.status).toBe(200);
    expect(put.json.service_settings).toEqual({
      model_id: 'text-embedding-3-small',
      url: mock.embeddingsUrl,
      dimensions: 64,
      similarity: 'cosine',
      rate_limit: { requests_per_minute: 3000 },
    });
    expect(put.text).not.toContain('dimensions_set_by_user');
    const result = await embed(id, ['alpha']);
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ text_embedding: [{ embedding: embeddingFor('alpha', 64) }] });
    const calls = mock.requestsTo('embeddings');
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(bodyOf(call).dimensions).toBe(64);
  });

  test('a provider answering another size than the user-set dimensions fails the PUT and stores nothing', async () => {
    const fixed = await fixedLengthEmbeddingsServer(8);
    try {
      const id = newId('emb-mismatch');
      const put = await putEmbedding(server, id, { dimensions: 64, url: fixed.url });
      expect(put.status).toBe(400);
      expect(put.json.status).toBe(400);
      const mismatch = `The retrieved embeddings size [8] does not match the size specified in the settings [64]. Please recreate the [${id}] configuration with the correct dimensions`;
      // The innermost error is the size mismatch, whether or not it is wrapped in the validation-call error.
      expect(put.json.error.root_cause).toEqual([{ type: 'status_exception', reason: mismatch }]);
      expect([put.json.error.reason, put.json.error.caused_by?.reason]).toContain(mismatch);
      expect((await server.call('GET', `/_inference/${id}`)).status).toBe(404);
    } finally {
      await fixed.close();
    }
  });

  test('a wrong api key: 400 validation-call error caused by the 401, and the key never leaks', async () => {
    const wrongKey = 'sk-WRONGkeyZq8Xv2Lm9Pw4Rt6Yu1Io3Kx7';
    const id = newId('emb-badkey');
    const logsBefore = server.logs.length;
    const put = await putEmbedding(server, id, { api_key: wrongKey });
    expectEsError(put, 400, 'status_exception', 'Could not complete inference endpoint creation as validation call to service threw an exception.');
    const cause = put.json.error.caused_by;
    expect(cause.type).toBe('status_exception');
    expect(cause.reason.startsWith(`Received an authentication error status code for request from inference entity id [${id}] status [401]`)).toBe(true);
    expect(put.json.error.root_cause).toEqual([{ type: 'status_exception', reason: cause.reason }]);
    // The mock quoted the key (first 8 and last 4 characters) in its message; none of it may come back.
    expect(mock.requestsTo('embeddings')).toHaveLength(1);
    expectNoSecret(put.text, wrongKey);
    expectNoSecret(server.logs.slice(logsBefore).join(''), wrongKey);
    expectNoSecret(server.logs.join(''), DEFAULT_API_KEY);
    expect((await server.call('GET', `/_inference/${id}`)).status).toBe(404);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('text_embedding inference', () => {
  test('results come back in input order although the provider shuffles them', async () => {
    const id = newId('emb-order');
    await createEmbedding(id, { dimensions: 16 });
    const input = ['zero', 'one', 'two', 'three', 'four', 'five', 'six'];
    const result = await embed(id, input);
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ text_embedding: input.map((text) => ({ embedding: embeddingFor(text, 16) })) });
    const [, call] = mock.requestsTo('embeddings');
    expect(bodyOf(call).input).toEqual(input);
  });

  test('a single string input is one embedding', async () => {
    const id = newId('emb-string');
    await createEmbedding(id, { dimensions: 8 });
    const result = await embed(id, 'just one');
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ text_embedding: [{ embedding: embeddingFor('just one', 8) }] });
    const [, call] = mock.requestsTo('embeddings');
    expect(bodyOf(call).input).toEqual(['just one']);
  });

  test('more than 2048 inputs are split into requests of at most 2048 and come back in order', async () => {
    const id = newId('emb-batch');
    await createEmbedding(id, { dimensions: 4 });
    mock.reset();
    const input = Array.from({ length: 4100 }, (_, i) => `text number ${i}`);
    const result = await embed(id, input);
    expect(result.status).toBe(200);
    expect(result.json.text_embedding).toHaveLength(input.length);
    result.json.text_embedding.forEach((item: { embedding: number[] }, i: number) => {
      expect(item.embedding).toEqual(embeddingFor(input[i], 4));
    });
    const calls = mock.requestsTo('embeddings');
    const sizes = calls.map((call) => (bodyOf(call).input as string[]).length);
    expect([...sizes].sort((a, b) => b - a)).toEqual([2048, 2048, 4]);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(2048);
    // Each request carries a contiguous slice; together they are the whole input, once.
    const slices = calls.map((call) => bodyOf(call).input as string[]).sort((a, b) => input.indexOf(a[0]) - input.indexOf(b[0]));
    expect(slices.flat()).toEqual(input);
  });

  test('exactly 2048 inputs are one request', async () => {
    const id = newId('emb-2048');
    await createEmbedding(id, { dimensions: 2 });
    mock.reset();
    const input = Array.from({ length: 2048 }, (_, i) => `t${i}`);
    const result = await embed(id, input);
    expect(result.status).toBe(200);
    expect(result.json.text_embedding).toHaveLength(2048);
    expect(result.json.text_embedding[2047].embedding).toEqual(embeddingFor('t2047', 2));
    expect(mock.requestsTo('embeddings')).toHaveLength(1);
  });

  test('task_settings.user is sent upstream as `user`, overridable per request', async () => {
    const id = newId('emb-user');
    const put = await putEmbedding(server, id, { dimensions: 4 }, { task_settings: { user: 'stored-user' } });
    expect(put.status).toBe(200);
    expect(put.json.task_settings).toEqual({ user: 'stored-user' });
    expect((await embed(id, ['x'])).status).toBe(200);
    const override = await server.call('POST', `/_inference/text_embedding/${id}`, { input: ['x'], task_settings: { user: 'request-user' } });
    expect(override.status).toBe(200);
    const users = mock.requestsTo('embeddings').map((call) => bodyOf(call).user);
    expect(users).toEqual(['stored-user', 'stored-user', 'request-user']);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('completion', () => {
  test('returns {"completion":[{"result":...}]} from the chat completions API', async () => {
    const id = newId('cmp');
    const put = await createCompletion(id);
    expect(put.json).toEqual({
      inference_id: id,
      task_type: 'completion',
      service: 'openai',
      service_settings: { model_id: 'gpt-4o-mini', url: mock.chatUrl, rate_limit: { requests_per_minute: 500 } },
    });
    const validation = mock.requestsTo('chat');
    expect(validation).toHaveLength(1);
    expect(bodyOf(validation[0]).messages).toEqual([{ role: 'user', content: 'how big' }]);

    const result = await server.call('POST', `/_inference/completion/${id}`, { input: 'What is Elastic?' });
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ completion: [{ result: 'Echo: What is Elastic?' }] });
    const call = mock.requestsTo('chat')[1];
    expect(bodyOf(call)).toEqual({
      messages: [{ role: 'user', content: 'What is Elastic?' }],
      model: 'gpt-4o-mini',
      n: 1,
      stream: false,
    });
    expect(call.headers.authorization).toBe(`Bearer ${DEFAULT_API_KEY}`);
  });

  test('several inputs are refused: "OpenAI chat completions only accepts 1 input", nothing sent upstream', async () => {
    const id = newId('cmp-multi');
    await createCompletion(id);
    mock.reset();
    const result = await server.call('POST', `/_inference/${id}`, { input: ['first', 'second'] });
    expectEsError(result, 400, 'status_exception', 'OpenAI chat completions only accepts 1 input');
    expect(mock.requestsTo('chat')).toHaveLength(0);
  });

  test('task_settings.user stored at PUT, overridden per request, reaches upstream as `user`', async () => {
    const id = newId('cmp-user');
    const put = await createCompletion(id, {}, { task_settings: { user: 'stored-user' } });
    expect(put.json.task_settings).toEqual({ user: 'stored-user' });
    expect(bodyOf(mock.requestsTo('chat')[0]).user).toBe('stored-user'); // the validation call

    expect((await server.call('POST', `/_inference/completion/${id}`, { input: 'a' })).status).toBe(200);
    const override = await server.call('POST', `/_inference/completion/${id}`, { input: 'b', task_settings: { user: 'request-user' } });
    expect(override.status).toBe(200);
    // The override is for that request only.
    expect((await server.call('POST', `/_inference/completion/${id}`, { input: 'c' })).status).toBe(200);
    expect(mock.requestsTo('chat').map((call) => bodyOf(call).user)).toEqual(['stored-user', 'stored-user', 'request-user', 'stored-user']);
  });

  test('without a user task setting no `user` is sent', async () => {
    const id = newId('cmp-nouser');
    await createCompletion(id);
    expect((await server.call('POST', `/_inference/completion/${id}`, { input: 'a' })).status).toBe(200);
    for (const call of mock.requestsTo('chat')) expect(bodyOf(call)).not.toHaveProperty('user');
  });

  test('the headers task setting is sent upstream, and can be given per request', async () => {
    const id = newId('cmp-headers');
    const put = await createCompletion(id, {}, { task_settings: { headers: { 'X-Custom-Trace': 'stored-trace' } } });
    expect(put.json.task_settings).toEqual({ headers: { 'X-Custom-Trace': 'stored-trace' } });
    expect((await server.call('POST', `/_inference/completion/${id}`, { input: 'a' })).status).toBe(200);
    const perRequest = await server.call('POST', `/_inference/completion/${id}`, {
      input: 'b',
      task_settings: { headers: { 'X-Custom-Trace': 'request-trace' } },
    });
    expect(perRequest.status).toBe(200);
    const calls = mock.requestsTo('chat');
    expect(calls.map((call) => call.headers['x-custom-trace'])).toEqual(['stored-trace', 'stored-trace', 'request-trace']);
    for (const call of calls) expect(call.headers.authorization).toBe(`Bearer ${DEFAULT_API_KEY}`);
  });

  test('an invalid per-request task setting is rejected before any upstream call', async () => {
    const id = newId('cmp-badts');
    await createCompletion(id);
    mock.reset();
    const result = await server.call('POST', `/_inference/completion/${id}`, { input: 'a', task_settings: { user: 42 } });
    expect(result.status).toBe(400);
    expect(mock.requestsTo('chat')).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('authentication options', () => {
  // A client whose id shares nothing with its secret, so that any 8-character run of the secret is telling.
  const CLIENT_ID = 'infergate-app';
  const CLIENT_SECRET = 'Zp4-oauth-SECRET-value-9931';
  beforeEach(() => {
    mock.config.oauthClients[CLIENT_ID] = CLIENT_SECRET;
  });
  const oauthSettings = (overrides: Record<string, unknown> = {}) => ({
    model_id: 'text-embedding-3-small',
    url: mock.embeddingsUrl,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    scopes: ['inference.read', 'inference.write'],
    token_url: mock.tokenUrl,
    dimensions: 4,
    ...overrides,
  });

  test('concurrent calls with no token yet share one token request', async () => {
    mock.config.oauthClients['concurrent-app'] = 'Xk2-concurrent-SECRET-4417';
    const id = newId('emb-oauth-concurrent');
    const settings = oauthSettings({ client_id: 'concurrent-app', client_secret: 'Xk2-concurrent-SECRET-4417' });
    const limited = await startTestServer({ skipValidation: true });
    try {
      expect((await limited.call('PUT', `/_inference/text_embedding/${id}`, { service: 'openai', service_settings: settings })).status).toBe(200);
      const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => embed(id, [`text ${i}`], '', limited)));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
      expect(mock.requestsTo('token')).toHaveLength(1);
    } finally {
      await limited.stop();
    }
  });

  test('OAuth2 client credentials: a token is fetched once, used as Bearer, and the secret is never echoed', async () => {
    const id = newId('emb-oauth');
    const logsBefore = server.logs.length;
    const put = await server.call('PUT', `/_inference/text_embedding/${id}`, { service: 'openai', service_settings: oauthSettings() });
    expect(put.status).toBe(200);
    expect(put.json.service_settings).toEqual({
      model_id: 'text-embedding-3-small',
      url: mock.embeddingsUrl,
      client_id: CLIENT_ID,
      scopes: ['inference.read', 'inference.write'],
      token_url: mock.tokenUrl,
      dimensions: 4,
      similarity: 'dot_product',
      rate_limit: { requests_per_minute: 3000 },
    });

    expect((await embed(id, ['one'])).status).toBe(200);
    expect((await embed(id, ['two'])).status).toBe(200);

    const tokenRequests = mock.requestsTo('token');
    expect(tokenRequests).toHaveLength(1); // cached across the validation call and both inference calls
    const form = bodyOf(tokenRequests[0]);
    expect(form.grant_type).toBe('client_credentials');
    expect(form.scope).toBe('inference.read inference.write');
    // client_secret_post or client_secret_basic: either way the client is identified.
    const basic = /^Basic (\S+)$/.exec(tokenRequests[0].headers.authorization ?? '');
    const clientId = basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0] : form.client_id;
    expect(clientId).toBe(CLIENT_ID);
    const calls = mock.requestsTo('embeddings');
    expect(calls).toHaveLength(3);
    const bearers = calls.map((call) => call.headers.authorization);
    expect(bearers[0]).toMatch(/^Bearer \S+$/);
    expect(new Set(bearers).size).toBe(1);
    expect(bearers[0]).not.toBe(`Bearer ${DEFAULT_API_KEY}`);
    expect(bearers[0]).not.toContain(CLIENT_SECRET);

    const get = await server.call('GET', `/_inference/${id}`);
    expect(get.status).toBe(200);
    for (const text of [put.text, get.text, server.logs.slice(logsBefore).join('')]) {
      expectNoSecret(text, CLIENT_SECRET);
      expect(text).not.toContain('client_secret');
    }
    // The access token is a secret too.
    expect(server.logs.slice(logsBefore).join('')).not.toContain(String(bearers[0]).slice('Bearer '.length));
  });

  test('OAuth2 with a wrong client secret fails the PUT with a 401 cause and does not leak the secret', async () => {
    const id = newId('emb-oauth-bad');
    const wrongSecret = 'wrong-secret-Hq3Jd9Lx0Pz';
    const logsBefore = server.logs.length;
    const put = await server.call('PUT', `/_inference/text_embedding/${id}`, {
      service: 'openai',
      service_settings: oauthSettings({ client_secret: wrongSecret }),
    });
    expectEsError(put, 400, 'status_exception', 'Could not complete inference endpoint creation as validation call to service threw an exception.');
    expect(put.json.error.caused_by.reason.startsWith(`Received an authentication error status code for request from inference entity id [${id}] status [401]`)).toBe(true);
    expect(mock.requestsTo('embeddings')).toHaveLength(0);
    expectNoSecret(put.text, wrongSecret);
    expectNoSecret(server.logs.slice(logsBefore).join(''), wrongSecret);
  });

  test('organization_id is sent as the OpenAI-Organization header', async () => {
    const id = newId('emb-org');
    const put = await putEmbedding(server, id, { organization_id: 'org-infergate-test', dimensions: 4 });
    expect(put.status).toBe(200);
    expect(put.json.service_settings.organization_id).toBe('org-infergate-test');
    expect((await embed(id, ['x'])).status).toBe(200);
    const calls = mock.requestsTo('embeddings');
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(call.headers['openai-organization']).toBe('org-infergate-test');

    const cmp = newId('cmp-org');
    await createCompletion(cmp, { organization_id: 'org-completion' });
    expect((await server.call('POST', `/_inference/completion/${cmp}`, { input: 'x' })).status).toBe(200);
    for (const call of mock.requestsTo('chat')) expect(call.headers['openai-organization']).toBe('org-completion');
  });

  test('without organization_id no OpenAI-Organization header is sent', async () => {
    const id = newId('emb-noorg');
    await createEmbedding(id, { dimensions: 4 });
    expect(mock.requestsTo('embeddings')[0].headers).not.toHaveProperty('openai-organization');
  });
});
