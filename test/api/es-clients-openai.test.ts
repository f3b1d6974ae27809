/**
 * The official Elasticsearch clients (8.19 and 9.x) against infergate and the mock OpenAI: they must accept the server
 * (product header, vendor media types) and every inference API they expose must work end to end.
 */
import { Client as Client9 } from 'es9';
import { DEFAULT_API_KEY, embeddingFor, startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import { startTestServer, type TestServer } from '../support/server';
import { dataLines, ES_CLIENTS, expectResponseError, readAll, type EsClientUnderTest } from './es-clients-support';

let mock: MockOpenAi;
let server: TestServer;

beforeAll(async () => {
  mock = await startMockOpenAi();
  server = await startTestServer();
});

afterAll(async () => {
  await server?.stop();
  await mock?.close();
});

describe.each(ES_CLIENTS)('%s', (_title, tag, createClient) => {
  let client: EsClientUnderTest;
  const ids = { embedding: `${tag}-embeddings`, completion: `${tag}-completion`, chat: `${tag}-chat` };
  const secrets: string[] = [DEFAULT_API_KEY];

  beforeAll(() => {
    client = createClient(server.url);
  });
  afterAll(async () => {
    await client.close();
  });

  test('inference.put creates openai text_embedding, completion and chat_completion endpoints', async () => {
    mock.reset();
    const embedding = await client.put('text_embedding', ids.embedding, {
      service: 'openai',
      service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: mock.embeddingsUrl },
    });
    expect(embedding).toEqual({
      inference_id: ids.embedding,
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

    const completion = await client.put('completion', ids.completion, {
      service: 'openai',
      service_settings: { api_key: DEFAULT_API_KEY, model_id: 'gpt-4o-mini', url: mock.chatUrl },
      task_settings: { user: 'es-client' },
    });
    expect(completion).toEqual({
      inference_id: ids.completion,
      task_type: 'completion',
      service: 'openai',
      service_settings: { model_id: 'gpt-4o-mini', url: mock.chatUrl, rate_limit: { requests_per_minute: 500 } },
      task_settings: { user: 'es-client' },
    });

    const chat = await client.put('chat_completion', ids.chat, {
      service: 'openai',
      service_settings: { api_key: DEFAULT_API_KEY, model_id: 'gpt-4o-mini', url: mock.chatUrl },
    });
    expect(chat).toMatchObject({ inference_id: ids.chat, task_type: 'chat_completion', service: 'openai' });
    expect(chat.service_settings).not.toHaveProperty('api_key');

    // Each PUT made one validation call to the provider, with the key it was given.
    expect(mock.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/v1/embeddings', `Bearer ${DEFAULT_API_KEY}`],
      ['/v1/chat/completions', `Bearer ${DEFAULT_API_KEY}`],
      ['/v1/chat/completions', `Bearer ${DEFAULT_API_KEY}`],
    ]);
  });

  test('inference.get lists all endpoints and fetches one by id', async () => {
    const all = await client.getAll();
    const listed = all.endpoints.map((e) => e.inference_id);
    expect(listed).toEqual(expect.arrayContaining([ids.embedding, ids.completion, ids.chat]));
    expect(listed).toEqual([...listed].sort());

    const one = await client.get(ids.completion);
    expect(one.endpoints).toHaveLength(1);
    expect(one.endpoints[0]).toEqual(all.endpoints.find((e) => e.inference_id === ids.completion));

    const withTaskType = await client.get(ids.embedding, 'text_embedding');
    expect(withTaskType.endpoints.map((e) => e.inference_id)).toEqual([ids.embedding]);
    for (const endpoint of all.endpoints) expect(endpoint.service_settings).not.toHaveProperty('api_key');
  });

  test('inference.inference runs text_embedding (vectors in input order) and completion', async () => {
    const embeddings = (await client.inference('text_embedding', ids.embedding, ['alpha', 'beta'])) as {
      text_embedding: Array<{ embedding: number[] }>;
    };
    expect(embeddings.text_embedding).toHaveLength(2);
    expect(embeddings.text_embedding[0].embedding).toEqual(embeddingFor('alpha', 1536));
    expect(embeddings.text_embedding[1].embedding).toEqual(embeddingFor('beta', 1536));

    const completion = await client.inference('completion', ids.completion, 'hello there');
    expect(completion).toEqual({ completion: [{ result: 'Echo: hello there' }] });
  });

  test('the per-task methods (textEmbedding, completion) work too', async () => {
    const embeddings = await client.textEmbedding(ids.embedding, ['gamma']);
    expect(embeddings.text_embedding.map((e) => e.embedding)).toEqual([embeddingFor('gamma', 1536)]);
    expect(await client.completion(ids.completion, 'hi')).toEqual({ completion: [{ result: 'Echo: hi' }] });
  });

  test('inference.streamCompletion streams completion deltas then [DONE]', async () => {
    const { body, headers } = await client.streamCompletion(ids.completion, 'tell me more');
    expect(String(headers['content-type'])).toMatch(/^text\/event-stream/);
    const text = await readAll(body);
    expect(text).toContain('event: message');
    const data = dataLines(text);
    expect(data.at(-1)).toBe('[DONE]');
    const deltas = data.slice(0, -1).flatMap((d) => (JSON.parse(d) as { completion: Array<{ delta: string }> }).completion.map((c) => c.delta));
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('Echo: tell me more');
  });

  test('inference.chatCompletionUnified streams OpenAI chunks then [DONE]', async () => {
    const { body, headers } = await client.chatCompletionUnified(ids.chat, [{ role: 'user', content: 'what is elastic?' }]);
    expect(String(headers['content-type'])).toMatch(/^text\/event-stream/);
    const text = await readAll(body);
    expect(text).toContain('event: message');
    const data = dataLines(text);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as { object: string; choices: Array<{ delta: { content?: string } }> });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.object).toBe('chat.completion.chunk');
    expect(chunks.flatMap((c) => c.choices.map((choice) => choice.delta.content ?? '')).join('')).toBe('Echo: what is elastic?');
  });

  test('inference.update replaces the api_key without echoing it; the new key is used upstream', async () => {
    const newKey = `sk-${tag}-rotated-key-0123456789abcdef`;
    secrets.push(newKey);
    const before = (await client.get(ids.embedding)).endpoints[0];

    const updated = await client.update(ids.embedding, { api_key: newKey });
    expect(updated).toEqual(before);
    expect(JSON.stringify(updated)).not.toContain(newKey);

    // The mock does not know the key yet: the call reaches it with the new key and is refused.
    mock.reset();
    const refused = await expectResponseError(client, client.inference('text_embedding', ids.embedding, 'x'), 401, 'status_exception');
    expect(JSON.stringify(refused.body)).not.toContain(newKey);
    expect(mock.requestsTo('embeddings').at(-1)?.headers.authorization).toBe(`Bearer ${newKey}`);

    mock.config.apiKeys.push(newKey);
    const accepted = (await client.inference('text_embedding', ids.embedding, 'x')) as { text_embedding: unknown[] };
    expect(accepted.text_embedding).toHaveLength(1);

    // The two-segment path form (task type given) works as well.
    const again = await client.update(ids.embedding, { api_key: DEFAULT_API_KEY }, 'text_embedding');
    expect(again).toEqual(before);
    mock.reset();
    await client.inference('text_embedding', ids.embedding, 'y');
    expect(mock.requestsTo('embeddings').at(-1)?.headers.authorization).toBe(`Bearer ${DEFAULT_API_KEY}`);
  });

  test('a missing endpoint is a ResponseError with statusCode 404', async () => {
    const error = await expectResponseError(client, client.get('no-such-endpoint'), 404, 'resource_not_found_exception');
    expect(error.body).toMatchObject({ error: { reason: 'Inference endpoint not found [no-such-endpoint]' } });
    await expectResponseError(client, client.inference('completion', 'no-such-endpoint', 'x'), 404, 'resource_not_found_exception');
    await expectResponseError(client, client.delete('no-such-endpoint'), 404, 'resource_not_found_exception');
  });

  test('inference.delete removes the endpoints', async () => {
    for (const id of Object.values(ids)) {
      expect(await client.delete(id)).toEqual({ acknowledged: true, pipelines: [], indexes: [] });
      await expectResponseError(client, client.get(id), 404, 'resource_not_found_exception');
    }
    const remaining = (await client.getAll()).endpoints.map((e) => e.inference_id);
    for (const id of Object.values(ids)) expect(remaining).not.toContain(id);
  });

  test('no secret ever left the server', () => {
    for (const text of [...server.bodies, ...server.logs]) for (const secret of secrets) expect(text).not.toContain(secret);
  });
});

describe('@elastic/elasticsearch 9.x: the embedding task type (9.4+)', () => {
  test('inference.put creates an openai embedding endpoint and inference.embedding embeds texts and a content object', async () => {
    const client = new Client9({ node: server.url });
    try {
      const created = await client.inference.put({
        task_type: 'embedding',
        inference_id: 'es9-embedding',
        inference_config: { service: 'openai', service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: mock.embeddingsUrl } },
      });
      expect(created).toMatchObject({ inference_id: 'es9-embedding', task_type: 'embedding', service: 'openai' });
      const result = await client.inference.embedding({
        inference_id: 'es9-embedding',
        input: ['The first text', { content: { type: 'text', value: 'The second text' } }],
      } as Parameters<typeof client.inference.embedding>[0]);
      const { embeddings } = result as unknown as { embeddings: Array<{ embedding: number[] }> };
      expect(embeddings.map((entry) => entry.embedding)).toEqual([embeddingFor('The first text', 1536), embeddingFor('The second text', 1536)]);
      await client.inference.delete({ inference_id: 'es9-embedding' });
    } finally {
      await client.close();
    }
  });
});
