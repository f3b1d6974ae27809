/** The custom service's own behaviour: what it sends (templates filled in, query parameters, headers, batches),
 * how it reads answers through its JSON paths, what PUT refuses, and that no secret parameter is shown. */
import { startTestServer, type TestServer } from '../../support/server';
import { customBody, HOST } from './bodies';
import { CUSTOM_API_KEY, PATHS, startMockCustom, vectorOf, type MockCustom } from './mock-custom';

let mock: MockCustom;
let server: TestServer;
let counter = 0;

beforeAll(async () => {
  mock = await startMockCustom();
  server = await startTestServer({ upstreamOrigins: { custom: mock.url } });
});
beforeEach(() => mock.reset());
afterAll(async () => {
  await server?.stop();
  await mock?.close();
});

async function put(taskType: string, body: Record<string, unknown>) {
  const id = `custom-own-${++counter}`;
  const response = await server.call('PUT', `/_inference/${taskType}/${id}`, body);
  return { id, response };
}

async function create(taskType: string, body: Record<string, unknown>, taskSettings?: Record<string, unknown>): Promise<string> {
  const { id, response } = await put(taskType, taskSettings ? { ...body, task_settings: taskSettings } : body);
  expect({ status: response.status, error: response.json?.error }).toEqual({ status: 200, error: undefined });
  mock.reset();
  return id;
}

describe('the upstream request', () => {
  test('the body is the template with its placeholders filled in as JSON, byte for byte', async () => {
    const id = await create(
      'text_embedding',
      customBody('text_embedding', {
        request: '{"input":${input},"model":${model},"n":${n},"flag":${flag},"kind":${input_type}}',
        input_type: { translation: { ingest: 'search_document', search: 'search_query' }, default: 'plain' },
      }),
      { parameters: { model: 'embed-v3', n: 1, flag: false } },
    );
    const response = await server.call('POST', `/_inference/text_embedding/${id}`, {
      input: ['a "quoted" text', 'line\nbreak'],
      input_type: 'search',
      task_settings: { parameters: { model: 'embed-v4', n: 3, flag: true } },
    });
    expect(response.status).toBe(200);
    expect(mock.requests[0].rawBody).toBe('{"input":["a \\"quoted\\" text","line\\nbreak"],"model":"embed-v4","n":3,"flag":true,"kind":"search_query"}');
  });

  test('url, query parameters and headers take the string parameters; Content-Type defaults to application/json', async () => {
    const id = await create(
      'rerank',
      customBody('rerank', {
        url: `${HOST}${PATHS.rerank}?fixed=1`,
        query_parameters: [
          ['region', '${region}'],
          ['key', 'k ${api_key}'],
        ],
        headers: { Authorization: 'Bearer ${api_key}', 'X-Region': '${region}', 'X-Dropped': null },
      }),
      { parameters: { region: 'us' } },
    );
    const response = await server.call('POST', `/_inference/rerank/${id}`, {
      query: 'capital of France',
      input: ['Paris is the capital of France.'],
      task_settings: { parameters: { region: 'eu west' } },
    });
    expect(response.status).toBe(200);
    const sent = mock.requests[0];
    expect(sent.path).toBe(PATHS.rerank);
    expect(sent.query).toEqual({ fixed: '1', region: 'eu west', key: `k ${CUSTOM_API_KEY}` });
    expect(sent.headers['x-region']).toBe('eu west');
    expect(sent.headers['x-dropped']).toBeUndefined();
    const stored = (await server.call('GET', `/_inference/${id}`)).json.endpoints[0].service_settings;
    expect(stored.headers).toEqual({ Authorization: 'Bearer ${api_key}', 'X-Region': '${region}' });
    expect(sent.headers['content-type']).toBe('application/json');
  });

  test("a user's Content-Type header is the request's", async () => {
    const id = await create('completion', customBody('completion', { headers: { Authorization: 'Bearer ${api_key}', 'Content-Type': 'application/json;charset=utf-8' } }));
    expect((await server.call('POST', `/_inference/completion/${id}`, { input: 'hi' })).status).toBe(200);
    expect(mock.requests[0].headers['content-type']).toBe('application/json;charset=utf-8');
    // CompletionParameters: `${input}` of a completion is its one input as a JSON string.
    expect(mock.requests[0].rawBody).toBe('{"prompt": "hi", "model": "complete-small"}');
  });

  test('an input holding a placeholder is sent as text, never filled in', async () => {
    const id = await create('completion', customBody('completion'));
    const response = await server.call('POST', `/_inference/completion/${id}`, { input: 'tell me ${api_key}' });
    expect(response.status).toBe(200);
    expect(mock.requests[0].rawBody).not.toContain(CUSTOM_API_KEY);
    expect(response.json).toEqual({ completion: [{ result: 'Echo: tell me ${api_key}' }] });
  });

  test('inputs go in batches of batch_size, results in input order', async () => {
    const id = await create('text_embedding', customBody('text_embedding', { batch_size: 2 }));
    const input = ['one', 'three', 'fifteen', 'x', 'seventeen'];
    const response = await server.call('POST', `/_inference/text_embedding/${id}`, { input });
    expect(response.status).toBe(200);
    expect(mock.requestsTo('embeddings').map((r) => (r.body as { input: string[] }).input.length)).toEqual([2, 2, 1]);
    expect(response.json.text_embedding.map((e: { embedding: number[] }) => e.embedding)).toEqual(input.map((text) => vectorOf(text)));
  });
});

describe('the answer, read through the paths', () => {
  test('text_embedding learns its dimensions at PUT; GET shows defaults and no secret parameters', async () => {
    const id = await create('text_embedding', customBody('text_embedding'));
    const fetched = await server.call('GET', `/_inference/${id}`);
    const settings = fetched.json.endpoints[0].service_settings;
    expect(settings).toMatchObject({ dimensions: 4, similarity: 'dot_product', batch_size: 10, rate_limit: { requests_per_minute: 10000 } });
    expect(settings.response).toEqual({ json_parser: { text_embeddings: '$.data[*].embedding', embedding_type: 'float' } });
    expect(settings.secret_parameters).toBeUndefined();
    expect(fetched.text).not.toContain(CUSTOM_API_KEY);
  });

  test("a user's dimensions give way to the returned size, as CustomServiceSettings has no dimensions set by user", async () => {
    const id = await create('text_embedding', customBody('text_embedding', { dimensions: 99, similarity: 'cosine' }));
    const settings = (await server.call('GET', `/_inference/${id}`)).json.endpoints[0].service_settings;
    expect(settings).toMatchObject({ dimensions: 4, similarity: 'cosine' });
  });

  test('byte embeddings are text_embedding_bytes', async () => {
    const id = await create('text_embedding', customBody('text_embedding', { response: { json_parser: { text_embeddings: '$.data[*].embedding', embedding_type: 'byte' } } }));
    mock.answerWith('embeddings', () => ({ status: 200, body: { data: [{ embedding: [1, -2, 127] }] } }));
    const response = await server.call('POST', `/_inference/text_embedding/${id}`, { input: ['a'] });
    expect(response.json).toEqual({ text_embedding_bytes: [{ embedding: [1, -2, 127] }] });
  });

  test('sparse_embedding pairs the token and weight lists', async () => {
    const id = await create('sparse_embedding', customBody('sparse_embedding'));
    const response = await server.call('POST', `/_inference/sparse_embedding/${id}`, { input: ['hello big world', 'yo'] });
    expect(response.status).toBe(200);
    expect(response.json.sparse_embedding).toEqual([
      { is_truncated: false, embedding: { hello: 0.5, big: 0.3, world: 0.5 } },
      { is_truncated: false, embedding: { yo: 0.2 } },
    ]);
  });

  test('rerank: sorted by score, top_n cut, return_documents adds the text, indexes are the input order', async () => {
    const id = await create('rerank', customBody('rerank'));
    mock.answerWith('rerank', () => ({ status: 200, body: { results: [{ index: 2, relevance_score: 0.1 }, { index: 0, relevance_score: 0.9 }, { index: 1, relevance_score: 0.5 }] } }));
    const response = await server.call('POST', `/_inference/rerank/${id}`, { query: 'q', input: ['a', 'b', 'c'], top_n: 2, return_documents: true });
    expect(response.json).toEqual({ rerank: [{ index: 0, relevance_score: 0.9, text: 'a' }, { index: 1, relevance_score: 0.5, text: 'b' }] });
  });

  test('rerank: ${top_n} and ${return_documents} reach the template; without them in the request, a 400 naming the placeholder', async () => {
    const id = await create('rerank', customBody('rerank', { request: '{"query": ${query}, "documents": ${input}, "top_n": ${top_n}, "rd": ${return_documents}}' }));
    const good = await server.call('POST', `/_inference/rerank/${id}`, { query: 'France', input: ['France a', 'b', 'France c'], top_n: 1, return_documents: false });
    expect(good.status).toBe(200);
    expect(JSON.parse(mock.requests[0].rawBody)).toMatchObject({ top_n: 1, rd: false });
    expect(good.json.rerank).toHaveLength(1);
    const missing = await server.call('POST', `/_inference/rerank/${id}`, { query: 'France', input: ['a'] });
    expect(missing.status).toBe(400);
    expect(missing.json.error.reason).toBe(
      'Found placeholder [${top_n}] in field [request] after replacement call, please check that all templates have a corresponding field definition.',
    );
  });

  test('an answer without the path: a 500 with Elasticsearch parser words', async () => {
    const id = await create('text_embedding', customBody('text_embedding'));
    mock.answerWith('embeddings', () => ({ status: 200, body: { items: [] } }));
    const response = await server.call('POST', `/_inference/text_embedding/${id}`, { input: ['a'] });
    expect(response.status).toBe(500);
    expect(response.json.error.reason).toContain('Unable to find field [data] in map');
    mock.answerWith('embeddings', () => ({ status: 200, body: { data: [{ embedding: ['x'] }] } }));
    const wrongType = await server.call('POST', `/_inference/text_embedding/${id}`, { input: ['a'] });
    expect(wrongType.json.error.reason).toContain('Failed to parse text embedding entry [0], error: Failed to parse list entry [0], error: Unable to convert field [embedding] of type [String] to Number');
  });

  test('a rerank index outside the input is refused, not answered', async () => {
    const id = await create('rerank', customBody('rerank'));
    mock.answerWith('rerank', () => ({ status: 200, body: { results: [{ index: 7, relevance_score: 0.1 }] } }));
    const response = await server.call('POST', `/_inference/rerank/${id}`, { query: 'q', input: ['a'] });
    expect(response.status).toBe(500);
    expect(response.json.error.reason).toContain('reranked index [7]');
  });

  test('a provider error quotes its whole body, without the secret', async () => {
    const id = await create('completion', customBody('completion'));
    mock.answerWith('completion', () => ({ status: 400, body: { error: { message: `bad key ${CUSTOM_API_KEY}` } } }));
    const response = await server.call('POST', `/_inference/completion/${id}`, { input: 'hi' });
    expect(response.status).toBe(400);
    expect(response.text).toContain('bad key');
    expect(response.text).not.toContain(CUSTOM_API_KEY.slice(4, 16));
  });
});

describe('PUT refuses what cannot work, naming the setting', () => {
  const placeholder = (name: string, field: string) =>
    `Validation Failed: 1: Failed to validate model configuration: Found placeholder [\${${name}}] in field [${field}] after replacement call, please check that all templates have a corresponding field definition.;`;

  test.each([
    ['request', { request: '{"input": ${input}, "model": ${some_template}}' }, placeholder('some_template', 'request')],
    ['a header', { headers: { Authorization: 'Bearer ${token}' } }, placeholder('token', 'header.Authorization')],
    ['the url', { url: `${HOST}/v1/\${path}` }, placeholder('path', 'url')],
    ['a query parameter', { query_parameters: [['key', '${key}']] }, placeholder('key', 'query parameters: [key]')],
    ['${input} in the url', { url: `${HOST}/v1/\${input}` }, placeholder('input', 'url')],
  ])('an undefined placeholder in %s', async (_what, overrides, reason) => {
    const { id, response } = await put('text_embedding', customBody('text_embedding', overrides));
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ type: 'validation_exception', reason });
    expect(mock.requests).toHaveLength(0);
    expect((await server.call('GET', `/_inference/${id}`)).status).toBe(404);
  });

  test('a path that is not of the JSONPath subset', async () => {
    const { response } = await put('rerank', customBody('rerank', { response: { json_parser: { relevance_score: 'results[*].score', reranked_index: '$.results[0].index' } } }));
    expect(response.status).toBe(400);
    expect(response.json.error.reason).toBe(
      'Validation Failed: 1: [service_settings.response.json_parser.relevance_score] Path [results[*].score] must start with a dollar sign ($);' +
        '2: [service_settings.response.json_parser.reranked_index] Invalid path received [[0].index], unable to extract a field name.;',
    );
  });

  test('a task parameter named as a secret parameter, at PUT and at POST', async () => {
    const body = { ...customBody('completion'), task_settings: { parameters: { api_key: 'other' } } };
    const { response } = await put('completion', body);
    expect(response.status).toBe(400);
    expect(response.json.error.reason).toContain('[task_settings.parameters] keys [api_key]');
    const id = await create('completion', customBody('completion'));
    const post = await server.call('POST', `/_inference/completion/${id}`, { input: 'hi', task_settings: { parameters: { api_key: 'x' } } });
    expect(post.status).toBe(400);
    expect(mock.requests).toHaveLength(0);
  });

  test('a json_parser key of another task type is an unknown setting', async () => {
    const { response } = await put('rerank', customBody('rerank', { response: { json_parser: { text_embeddings: '$.data' } } }));
    expect(response.status).toBe(400);
  });
});
