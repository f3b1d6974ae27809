/**
 * The generic HTTP behaviour of reference §1 (body rules, size limit, `pretty`, `filter_path`, vendor media types, the
 * product header), `_update` (§2.7), `_services` (§2.8), DELETE dry_run, persistence, concurrent creation and file
 * modes.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_API_KEY } from '../providers/openai/mock-openai';
import { expectSimpleEsError } from '../support/assertions';
import { startTestServer, type TestServer } from '../support/server';
import { NOT_FOUND, call, callAfterRestart, chunking, ctx, openAi, settings, useApiServer } from './api-harness';

useApiServer();

describe('accepted variants of the same requests', () => {
  const created: string[] = [];
  afterEach(async () => {
    for (const id of created.splice(0)) expect((await call('DELETE', `/_inference/${id}`)).status).toBe(200);
  });
  const put = async (id: string, body: unknown, taskType = 'text_embedding') => {
    const response = await call('PUT', `/_inference/${taskType}/${id}`, body);
    if (response.status === 200) created.push(id);
    return response;
  };

  test('an enum value is parsed case-insensitively and echoed lower-case', async () => {
    const response = await put('enum-upper', { service: 'openai', service_settings: settings({ similarity: 'COSINE' }) });
    expect(response.status).toBe(200);
    expect(response.json.service_settings.similarity).toBe('cosine');
  });

  test('the task type in the URL is parsed case-insensitively', async () => {
    const response = await call('GET', '/_inference/TEXT_EMBEDDING/existing-emb');
    expect(response.status).toBe(200);
    expect(response.json.endpoints[0].inference_id).toBe('existing-emb');
  });

  test.each([
    ['{} (the default is echoed)', {}, { strategy: 'sentence', max_chunk_size: 250, sentence_overlap: 1 }],
    ['omitted (the default is echoed)', undefined, { strategy: 'sentence', max_chunk_size: 250, sentence_overlap: 1 }],
    ['word with overlap exactly half the chunk size', { strategy: 'word', max_chunk_size: 100, overlap: 50 }, { strategy: 'word', max_chunk_size: 100, overlap: 50 }],
  ])('chunking_settings %s', async (_name, chunkingSettings, expected) => {
    const body = chunkingSettings === undefined ? openAi() : chunking(chunkingSettings);
    const response = await put('chunking-ok', body);
    expect(response.status).toBe(200);
    expect(response.json.chunking_settings).toEqual(expected);
  });

  test('a completion endpoint has no chunking_settings', async () => {
    const response = await put('no-chunking', openAi(), 'completion');
    expect(response.status).toBe(200);
    expect(response.json).not.toHaveProperty('chunking_settings');
  });

  test('a single-segment PUT takes the task type from the body', async () => {
    const response = await call('PUT', '/_inference/body-task-type', openAi({ task_type: 'completion' }));
    expect(response.status).toBe(200);
    created.push('body-task-type');
    expect(response.json.task_type).toBe('completion');
  });
});

describe('malformed and oversized bodies', () => {
  test.each([
    ['POST', '/_inference/existing-emb', '{"input": '],
    ['POST', '/_inference/existing-emb', '[1,2'],
    ['PUT', '/_inference/text_embedding/err-target', '{"service": "openai",'],
    ['PUT', '/_inference/existing-emb/_update', '{"task_settings": {'],
  ])('%s %s with malformed JSON → 400 in the envelope, not 500', async (method, pathAndQuery, text) => {
    const response = await call(method, pathAndQuery, text);
    expect(response.status).toBe(400);
    expect(response.json.status).toBe(400);
    expect(response.json.error.type).toBe('x_content_parse_exception');
    expect(response.json.error.reason).toEqual(expect.any(String));
    expect(response.json.error.root_cause).toEqual([{ type: response.json.error.type, reason: response.json.error.reason }]);
  });

  test('a 101 MB body → 413 in the envelope (default limit 100mb)', async () => {
    const big = `{"input":"${'a'.repeat(101 * 1024 * 1024)}"}`;
    ctx.mock.reset();
    const response = await call('POST', '/_inference/existing-emb', big);
    expect(response.status).toBe(413);
    expect(response.json.status).toBe(413);
    expect(response.json.error.type).toEqual(expect.any(String));
    expect(response.json.error.reason).toEqual(expect.any(String));
    expect(response.json.error.root_cause).toEqual([{ type: response.json.error.type, reason: response.json.error.reason }]);
    expect(ctx.mock.requests).toHaveLength(0);
  });
});

describe('_update (§2.7)', () => {
  beforeAll(async () => {
    const response = await call('PUT', '/_inference/text_embedding/update-me', {
      service: 'openai',
      service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: ctx.mock.embeddingsUrl },
      task_settings: { user: 'first' },
    });
    expect(response.status).toBe(200);
  });

  test('both path forms work; task settings merge and secrets are not echoed', async () => {
    const single = await call('PUT', '/_inference/update-me/_update', { service_settings: { api_key: 'sk-rotated-key-0000000000000000' } });
    expect(single.status).toBe(200);
    expect(single.json).toMatchObject({ inference_id: 'update-me', task_type: 'text_embedding', task_settings: { user: 'first' } });
    expect(single.json.service_settings).not.toHaveProperty('api_key');
    expect(single.text).not.toContain('sk-rotated-key');

    const withTaskType = await call('PUT', '/_inference/text_embedding/update-me/_update', {
      task_type: 'text_embedding',
      task_settings: { user: 'second' },
    });
    expect(withTaskType.status).toBe(200);
    expect(withTaskType.json.task_settings).toEqual({ user: 'second' });
    expect(withTaskType.json.service_settings).toEqual(single.json.service_settings);

    const stored = await call('GET', '/_inference/update-me');
    expect(stored.json.endpoints[0]).toEqual(withTaskType.json);
  });

  test('the new api_key is the one sent upstream', async () => {
    ctx.mock.reset();
    const key = 'sk-updated-key-1111111111111111';
    ctx.mock.config.apiKeys.push(key);
    expect((await call('PUT', '/_inference/update-me/_update', { service_settings: { api_key: key } })).status).toBe(200);
    expect((await call('POST', '/_inference/update-me', { input: 'x' })).status).toBe(200);
    expect(ctx.mock.requestsTo('embeddings').map((r) => r.headers.authorization)).toEqual([`Bearer ${key}`]);
    ctx.mock.reset();
  });

  test('other service settings are not changed by _update', async () => {
    const before = (await call('GET', '/_inference/update-me')).json.endpoints[0];
    const response = await call('PUT', '/_inference/update-me/_update', { service_settings: { model_id: 'other-model' } });
    expect(response.status).toBe(200);
    expect(response.json.service_settings).toEqual(before.service_settings);
  });
});

describe('_services (§2.8)', () => {
  interface ServiceInfo {
    service: string;
    task_types: string[];
    configurations: Record<string, { sensitive: boolean; updatable: boolean; required: boolean; type: string }>;
  }

  test('a top-level array sorted by service; openai api_key is sensitive and updatable', async () => {
    const response = await call('GET', '/_inference/_services');
    expect(response.status).toBe(200);
    const services = response.json as ServiceInfo[];
    expect(Array.isArray(services)).toBe(true);
    const names = services.map((s) => s.service);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['elasticsearch', 'openai']));
    const openai = services.find((s) => s.service === 'openai')!;
    expect(openai.task_types).toEqual(expect.arrayContaining(['text_embedding', 'completion', 'chat_completion']));
    expect(openai.configurations.api_key).toMatchObject({ sensitive: true, updatable: true, type: 'str' });
    expect(openai.configurations.model_id).toMatchObject({ sensitive: false, required: true, type: 'str' });
  });

  test('_services/{task_type} keeps only the services that support it', async () => {
    const response = await call('GET', '/_inference/_services/rerank');
    expect(response.status).toBe(200);
    const services = response.json as ServiceInfo[];
    expect(services.length).toBeGreaterThan(0);
    expect(services.every((s) => s.task_types.includes('rerank'))).toBe(true);
    expect(services.map((s) => s.service)).toContain('elasticsearch');
    expect(services.map((s) => s.service)).not.toContain('openai');

    const chat = (await call('GET', '/_inference/_services/chat_completion')).json as ServiceInfo[];
    expect(chat.map((s) => s.service)).toContain('openai');
    expect(chat.map((s) => s.service)).not.toContain('elasticsearch');
  });
});

describe('generic HTTP behaviour (§1.1)', () => {
  test('GET / answers the root document with version.number', async () => {
    const response = await call('GET', '/');
    expect(response.status).toBe(200);
    expect(response.json.version.number).toMatch(/^\d+\.\d+\.\d+/);
    expect(response.json).toMatchObject({ cluster_name: expect.any(String), cluster_uuid: expect.any(String), tagline: expect.any(String) });
  });

  test('?pretty indents the same JSON', async () => {
    const plain = await call('GET', '/_inference/existing-emb');
    const pretty = await call('GET', '/_inference/existing-emb?pretty');
    expect(plain.text).not.toContain('\n');
    expect(pretty.text).toContain('\n  "endpoints": [');
    expect(JSON.parse(pretty.text)).toEqual(plain.json);

    const prettyTrue = await call('GET', '/_inference/existing-emb?pretty=true');
    expect(prettyTrue.text).toBe(pretty.text);
    const prettyError = await call('GET', '/_inference/err-target?pretty');
    expect(prettyError.status).toBe(404);
    expect(prettyError.text).toContain('\n  "error": {');
  });

  test('?filter_path keeps only the named fields', async () => {
    const response = await call('GET', '/_inference?filter_path=endpoints.inference_id');
    expect(response.status).toBe(200);
    expect(response.json.endpoints.length).toBeGreaterThanOrEqual(2);
    for (const endpoint of response.json.endpoints) expect(Object.keys(endpoint)).toEqual(['inference_id']);
    expect(response.json.endpoints).toEqual(expect.arrayContaining([{ inference_id: 'existing-emb' }, { inference_id: 'existing-cmp' }]));

    const error = await call('GET', '/_inference/err-target?filter_path=error.type,status');
    expect(error.json).toEqual({ error: { type: 'resource_not_found_exception' }, status: 404 });
  });

  test.each(['8', '9'])('Content-Type application/vnd.elasticsearch+json; compatible-with=%s is accepted', async (version) => {
    const vendor = `application/vnd.elasticsearch+json; compatible-with=${version}`;
    const id = `vendor-type-${version}`;
    const body = { service: 'openai', service_settings: settings({ model_id: 'gpt-4o-mini', url: ctx.mock.chatUrl }) };
    const response = await call('PUT', `/_inference/completion/${id}`, JSON.stringify(body), { 'content-type': vendor, accept: vendor });
    expect(response.status).toBe(200);
    expect(response.json.inference_id).toBe(id);
    const inference = await call('POST', `/_inference/${id}`, JSON.stringify({ input: 'hello' }), { 'content-type': vendor, accept: vendor });
    expect(inference.status).toBe(200);
    expect(inference.json).toEqual({ completion: [{ result: 'Echo: hello' }] });
    expect((await call('DELETE', `/_inference/${id}`)).status).toBe(200);
  });

  test('X-Elastic-Product: Elasticsearch on successes, errors, unknown routes, HEAD and event streams', async () => {
    const responses = await Promise.all([
      ctx.server.call('GET', '/'),
      ctx.server.call('HEAD', '/'),
      ctx.server.call('GET', '/_inference'),
      ctx.server.call('GET', '/_inference/err-target'),
      ctx.server.call('GET', '/no/such/route'),
      ctx.server.call('PATCH', '/_inference/existing-emb', {}),
      ctx.server.call('POST', '/_inference/existing-emb', '{bad'),
      ctx.server.call('POST', '/_inference/completion/err-target/_stream', { input: 'x' }),
      ctx.server.call('POST', '/_inference/chat_completion/err-target/_stream', { messages: [{ role: 'user', content: 'x' }] }),
    ]);
    for (const response of responses) expect(response.headers.get('x-elastic-product')).toBe('Elasticsearch');
    // Elasticsearch sends no ETag.
    for (const response of responses) expect(response.headers.get('etag')).toBeNull();
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 404, 400, 405, 400, 404, 404]);
  });
});

describe('DELETE', () => {
  test('dry_run keeps the endpoint and answers acknowledged false', async () => {
    expect((await call('PUT', '/_inference/completion/dry-run-target', openAi())).status).toBe(200);
    const dryRun = await call('DELETE', '/_inference/dry-run-target?dry_run=true');
    expect(dryRun.status).toBe(200);
    expect(dryRun.json).toEqual({ acknowledged: false, pipelines: [], indexes: [] });
    expect((await call('GET', '/_inference/dry-run-target')).status).toBe(200);

    const real = await call('DELETE', '/_inference/completion/dry-run-target');
    expect(real.json).toEqual({ acknowledged: true, pipelines: [], indexes: [] });
    expectSimpleEsError(await call('GET', '/_inference/dry-run-target'), 404, NOT_FOUND, 'Inference endpoint not found [dry-run-target]');
  });
});

describe('concurrent creation of the same id', () => {
  let validating: TestServer;
  beforeAll(async () => {
    validating = await startTestServer();
  });
  afterAll(async () => {
    await validating?.stop();
  });

  const body = () => ({
    service: 'openai',
    service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: ctx.mock.embeddingsUrl },
  });

  test.each([
    ['with validation calls in flight', () => validating],
    ['without validation calls', () => ctx.server],
  ])('two concurrent PUTs, %s → exactly one 200 and one 400 already-exists', async (_name, target) => {
    ctx.mock.reset();
    // Both validation calls are held so that both requests pass the existence check before either stores.
    ctx.mock.enqueueFault('embeddings', { kind: 'delay', ms: 150 });
    ctx.mock.enqueueFault('embeddings', { kind: 'delay', ms: 150 });
    const responses = await Promise.all([
      target().call('PUT', '/_inference/text_embedding/raced', body()),
      target().call('PUT', '/_inference/text_embedding/raced', body()),
    ]);
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 400]);
    const loser = responses.find((r) => r.status === 400)!;
    expectSimpleEsError(loser, 400, 'resource_already_exists_exception', 'Inference endpoint [raced] already exists');
    const listed = await target().call('GET', '/_inference/text_embedding/_all');
    expect(listed.json.endpoints.filter((e: { inference_id: string }) => e.inference_id === 'raced')).toHaveLength(1);
    expect((await target().call('DELETE', '/_inference/raced')).status).toBe(200);
    ctx.mock.reset();
  });
});

describe('storage', () => {
  test('the data directory is 0700 and the sqlite files 0600', () => {
    const dir = ctx.server.config.dataDir;
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const files = readdirSync(dir).filter((f) => /\.(sqlite|db|sqlite3)(-wal|-shm|-journal)?$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect({ file, mode: statSync(path.join(dir, file)).mode & 0o777 }).toEqual({ file, mode: 0o600 });
  });

  test('endpoints and their secrets persist across a restart', async () => {
    const created = await call('PUT', '/_inference/text_embedding/persist-me', {
      service: 'openai',
      service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: ctx.mock.embeddingsUrl, dimensions: 64 },
      task_settings: { user: 'persisted' },
    });
    expect(created.status).toBe(200);
    await ctx.server.restart();

    const fetched = await callAfterRestart('GET', '/_inference/persist-me');
    expect(fetched.status).toBe(200);
    expect(fetched.json.endpoints).toEqual([created.json]);
    const all = await call('GET', '/_inference');
    expect(all.json.endpoints.map((e: { inference_id: string }) => e.inference_id)).toEqual(
      expect.arrayContaining(['existing-cmp', 'existing-emb', 'persist-me']),
    );

    // The api_key was stored too: the mock accepts the call only with the right key.
    ctx.mock.reset();
    const inference = await call('POST', '/_inference/persist-me', { input: ['one', 'two'] });
    expect(inference.status).toBe(200);
    expect(inference.json.text_embedding).toHaveLength(2);
    expect(inference.json.text_embedding[0].embedding).toHaveLength(64);
    expect(ctx.mock.requestsTo('embeddings')[0].headers.authorization).toBe(`Bearer ${DEFAULT_API_KEY}`);
    expect(ctx.mock.requestsTo('embeddings')[0].body).toMatchObject({ user: 'persisted', dimensions: 64 });
    ctx.mock.reset();

    // Secrets never show in what the server returned or logged.
    for (const text of [...ctx.server.bodies, ...ctx.server.logs]) expect(text).not.toContain(DEFAULT_API_KEY);
  });
});
