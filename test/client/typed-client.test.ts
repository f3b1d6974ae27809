/**
 * The typed client (client/) against the real server and the mock OpenAI: every method resolves to the typed body,
 * the stream methods are async iterators of typed events that end at `[DONE]`, and failures are InfergateError
 * carrying the server's envelope.
 */
import {
  createInfergateClient,
  InfergateError,
  isElasticsearchError,
  isUnifiedError,
  type ChatCompletionChunk,
  type CompletionStreamEvent,
  type EndpointInfo,
  type InfergateClient,
  type StreamEvent,
} from '../../client';
import { DEFAULT_API_KEY, embeddingFor, startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import { startTestServer, type TestServer } from '../support/server';

let mock: MockOpenAi;
let server: TestServer;
let client: InfergateClient;

const EMBEDDING = 'typed-embeddings';
const COMPLETION = 'typed-completion';
const CHAT = 'typed-chat';

beforeAll(async () => {
  mock = await startMockOpenAi();
  server = await startTestServer();
  client = createInfergateClient({ baseUrl: server.url });
});

afterAll(async () => {
  await server?.stop();
  await mock?.close();
});

afterEach(() => {
  mock.reset();
});

/** Runs `action`, which must fail with an InfergateError, and returns that error. */
async function failure(action: () => Promise<unknown>): Promise<InfergateError> {
  const error = await action().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InfergateError);
  return error as InfergateError;
}

/** Collects every event of a stream; the loop ending is the stream ending (at `[DONE]`). */
async function collect<T>(stream: AsyncIterable<StreamEvent<T>>): Promise<T[]> {
  const events: T[] = [];
  for await (const event of stream) {
    expect(event.event).toBe('message');
    events.push(event.data);
  }
  return events;
}

const deltasOf = (events: CompletionStreamEvent[]): string => events.flatMap((e) => e.completion.map((c) => c.delta)).join('');
const contentOf = (chunks: ChatCompletionChunk[]): string =>
  chunks.flatMap((c) => c.choices.map((choice) => choice.delta.content ?? '')).join('');

describe('server and endpoints', () => {
  test('getInfo and ping', async () => {
    const info = await client.getInfo();
    expect(info.version.number).toMatch(/^\d+\.\d+\.\d+/);
    await expect(client.ping()).resolves.toBeUndefined();
  });

  test('putEndpointWithTaskType and putEndpoint create endpoints; secrets are not returned', async () => {
    const embedding: EndpointInfo = await client.putEndpointWithTaskType('text_embedding', EMBEDDING, {
      service: 'openai',
      service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: mock.embeddingsUrl, dimensions: 256 },
    });
    expect(embedding).toEqual({
      inference_id: EMBEDDING,
      task_type: 'text_embedding',
      service: 'openai',
      service_settings: {
        model_id: 'text-embedding-3-small',
        url: mock.embeddingsUrl,
        dimensions: 256,
        rate_limit: { requests_per_minute: 3000 },
        similarity: 'dot_product',
      },
      chunking_settings: { strategy: 'sentence', max_chunk_size: 250, sentence_overlap: 1 },
    });

    const completion = await client.putEndpoint(COMPLETION, {
      service: 'openai',
      task_type: 'completion',
      service_settings: { api_key: DEFAULT_API_KEY, model_id: 'gpt-4o-mini', url: mock.chatUrl },
      task_settings: { user: 'typed' },
    });
    expect(completion).toEqual({
      inference_id: COMPLETION,
      task_type: 'completion',
      service: 'openai',
      service_settings: { model_id: 'gpt-4o-mini', url: mock.chatUrl, rate_limit: { requests_per_minute: 500 } },
      task_settings: { user: 'typed' },
    });

    const chat = await client.putEndpointWithTaskType('chat_completion', CHAT, {
      service: 'openai',
      service_settings: { api_key: DEFAULT_API_KEY, model_id: 'gpt-4o-mini', url: mock.chatUrl },
    });
    expect(chat.task_type).toBe('chat_completion');
    for (const info of [embedding, completion, chat]) expect(JSON.stringify(info)).not.toContain(DEFAULT_API_KEY);
    // One validation call per endpoint.
    expect(mock.requests.map((r) => r.path)).toEqual(['/v1/embeddings', '/v1/chat/completions', '/v1/chat/completions']);
  });

  test('the get methods list and fetch endpoints', async () => {
    const all = await client.getAllEndpoints();
    const ids = all.endpoints.map((e) => e.inference_id);
    expect(ids).toEqual(expect.arrayContaining([CHAT, COMPLETION, EMBEDDING]));
    expect(ids).toEqual([...ids].sort());
    expect(await client.getAllEndpointsWildcard()).toEqual(all);

    const one = await client.getEndpoint(EMBEDDING);
    expect(one.endpoints).toEqual([all.endpoints.find((e) => e.inference_id === EMBEDDING)]);
    expect(await client.getEndpointWithTaskType('text_embedding', EMBEDDING)).toEqual(one);

    const completions = await client.getEndpointsByTaskType('completion');
    expect(completions.endpoints.map((e) => e.inference_id)).toEqual([COMPLETION]);
  });

  test('getServices and getServicesByTaskType', async () => {
    const services = await client.getServices();
    const names = services.map((s) => s.service);
    expect(names).toEqual([...names].sort());
    const openai = services.find((s) => s.service === 'openai');
    expect(openai?.configurations.api_key).toMatchObject({ sensitive: true, updatable: true });

    const rerank = await client.getServicesByTaskType('rerank');
    expect(rerank.length).toBeGreaterThan(0);
    for (const service of rerank) expect(service.task_types).toContain('rerank');
    expect(rerank.map((s) => s.service)).not.toContain('openai');
  });
});

describe('inference', () => {
  test('textEmbedding returns one vector per input, in input order', async () => {
    const result = await client.textEmbedding(EMBEDDING, { input: ['first', 'second', 'third'] });
    expect(result.text_embedding?.map((e) => e.embedding)).toEqual(['first', 'second', 'third'].map((t) => embeddingFor(t, 256)));
    expect(mock.requestsTo('embeddings')[0].body).toMatchObject({ input: ['first', 'second', 'third'], dimensions: 256 });
  });

  test('embedding takes texts and content objects (the 9.4+ task)', async () => {
    await client.putEndpointWithTaskType('embedding', 'typed-embedding', {
      service: 'openai',
      service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', url: mock.embeddingsUrl, dimensions: 8 },
    });
    const result = await client.embedding('typed-embedding', { input: ['first', { content: { type: 'text', value: 'second' } }] });
    expect(result.embeddings?.map((e) => e.embedding)).toEqual(['first', 'second'].map((t) => embeddingFor(t, 8)));
    await client.deleteEndpoint('typed-embedding');
  });

  test('completion, inference and inferenceWithTaskType', async () => {
    expect(await client.completion(COMPLETION, { input: 'hello' })).toEqual({ completion: [{ result: 'Echo: hello' }] });
    expect(await client.inference(COMPLETION, { input: 'generic' })).toEqual({ completion: [{ result: 'Echo: generic' }] });
    const embedded = await client.inferenceWithTaskType('text_embedding', EMBEDDING, { input: 'one' });
    expect(embedded).toEqual({ text_embedding: [{ embedding: embeddingFor('one', 256) }] });
    // The stored task setting `user` went upstream.
    expect(mock.requestsTo('chat').map((r) => (r.body as { user?: string }).user)).toEqual(['typed', 'typed']);
  });

  test('chatCompletion returns one chat.completion object', async () => {
    const completion = await client.chatCompletion(CHAT, { messages: [{ role: 'user', content: 'whole answer' }] });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0].message.content).toBe('Echo: whole answer');
  });
});

describe('streams', () => {
  test('streamCompletion yields typed completion events and ends', async () => {
    const events = await collect<CompletionStreamEvent>(client.streamCompletion(COMPLETION, { input: 'stream this please' }));
    expect(events.length).toBeGreaterThan(1);
    for (const event of events) expect(event).toEqual({ completion: expect.arrayContaining([{ delta: expect.any(String) }]) });
    expect(deltasOf(events)).toBe('Echo: stream this please');
  });

  test('chatCompletionUnified yields typed OpenAI chunks and ends', async () => {
    const chunks = await collect<ChatCompletionChunk>(
      client.chatCompletionUnified(CHAT, { messages: [{ role: 'user', content: 'chat with me' }] }),
    );
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.object).toBe('chat.completion.chunk');
      expect(typeof chunk.id).toBe('string');
    }
    expect(contentOf(chunks)).toBe('Echo: chat with me');
    expect(mock.requestsTo('chat')[0].body).toMatchObject({ stream: true, model: 'gpt-4o-mini' });
  });

  test('streamInference streams a completion endpoint and a chat endpoint', async () => {
    const completion = await collect<CompletionStreamEvent>(client.streamInference(COMPLETION, { input: 'generic stream' }));
    expect(deltasOf(completion)).toBe('Echo: generic stream');
    const chat = await collect<ChatCompletionChunk>(
      client.streamInference(CHAT, { messages: [{ role: 'user', content: 'generic chat' }] }),
    );
    expect(contentOf(chat)).toBe('Echo: generic chat');
  });

  test('leaving the loop early closes the stream and the upstream request', async () => {
    mock.config.chunkDelayMs = 40;
    mock.config.replyText = 'one two three four five six seven eight nine ten eleven twelve';
    const received: CompletionStreamEvent[] = [];
    for await (const event of client.streamCompletion(COMPLETION, { input: 'long' })) {
      received.push(event.data);
      break;
    }
    expect(received).toHaveLength(1);
    await mock.waitForAbortedRequests(1, 5000);
  });

  test('an error frame in the middle of a stream throws InfergateError after the events before it', async () => {
    mock.enqueueFault('chat', { kind: 'streamError', chunks: 2, message: 'upstream broke' });
    const received: string[] = [];
    const error = await failure(async () => {
      for await (const event of client.streamCompletion(COMPLETION, { input: 'a b c d e f' })) {
        received.push(...event.data.completion.map((c) => c.delta));
      }
    });
    expect(received.length).toBeGreaterThan(0);
    expect(isElasticsearchError(error.body)).toBe(true);
    expect(error.message).toContain('upstream broke');
  });
});

describe('errors', () => {
  test('InfergateError on 404 carries the Elasticsearch envelope', async () => {
    const error = await failure(() => client.getEndpoint('missing-endpoint'));
    expect(error.status).toBe(404);
    expect(error.type).toBe('resource_not_found_exception');
    expect(error.body).toEqual({
      error: {
        root_cause: [{ type: 'resource_not_found_exception', reason: 'Inference endpoint not found [missing-endpoint]' }],
        type: 'resource_not_found_exception',
        reason: 'Inference endpoint not found [missing-endpoint]',
      },
      status: 404,
    });
    expect(error.message).toBe('[404] resource_not_found_exception: Inference endpoint not found [missing-endpoint]');

    for (const action of [
      () => client.completion('missing-endpoint', { input: 'x' }),
      () => client.deleteEndpoint('missing-endpoint'),
      () => client.updateEndpoint('missing-endpoint', { task_settings: { user: 'u' } }),
    ]) {
      const other = await failure(action);
      expect(other.status).toBe(404);
      expect(other.type).toBe('resource_not_found_exception');
    }
  });

  test('a 400 carries the reason', async () => {
    const error = await failure(() =>
      client.putEndpointWithTaskType('rerank', 'typed-rerank', {
        service: 'openai',
        service_settings: { api_key: DEFAULT_API_KEY, model_id: 'm' },
      }),
    );
    expect(error.status).toBe(400);
    expect(isElasticsearchError(error.body) && error.body.error.reason).toBe('The [openai] service does not support task type [rerank]');
  });

  test('a stream that fails before its first event throws InfergateError with the status', async () => {
    const missing = await failure(() => collect(client.streamCompletion('missing-endpoint', { input: 'x' })));
    expect(missing.status).toBe(404);
    expect(isElasticsearchError(missing.body)).toBe(true);
    expect(missing.type).toBe('resource_not_found_exception');

    const chatMissing = await failure(() =>
      collect(client.chatCompletionUnified('missing-endpoint', { messages: [{ role: 'user', content: 'x' }] })),
    );
    expect(chatMissing.status).toBe(404);
    expect(isUnifiedError(chatMissing.body)).toBe(true);
    expect(chatMissing.body).toMatchObject({ error: { code: 'not_found', message: 'Inference endpoint not found [missing-endpoint]' } });

    const wrongTask = await failure(() =>
      collect(client.chatCompletionUnified(COMPLETION, { messages: [{ role: 'user', content: 'x' }] })),
    );
    expect(wrongTask.status).toBe(400);
    expect(wrongTask.body).toMatchObject({
      error: {
        code: 'bad_request',
        message: 'Incompatible task_type, the requested type [chat_completion] does not match the model type [completion]',
        type: 'status_exception',
      },
    });
  });
});

describe('update and delete', () => {
  test('updateEndpoint replaces the api_key (not echoed) and merges task settings', async () => {
    const key = 'sk-typed-rotated-0123456789abcdef';
    mock.config.apiKeys.push(key);
    const updated = await client.updateEndpoint(COMPLETION, { service_settings: { api_key: key }, task_settings: { user: 'updated' } });
    expect(updated).toMatchObject({ inference_id: COMPLETION, task_settings: { user: 'updated' } });
    expect(JSON.stringify(updated)).not.toContain(key);

    await client.completion(COMPLETION, { input: 'with the new key' });
    expect(mock.requestsTo('chat').at(-1)?.headers.authorization).toBe(`Bearer ${key}`);
    expect(mock.requestsTo('chat').at(-1)?.body).toMatchObject({ user: 'updated' });

    const again = await client.updateEndpointWithTaskType('completion', COMPLETION, { service_settings: { api_key: DEFAULT_API_KEY } });
    expect(again.task_settings).toEqual({ user: 'updated' });
    expect(again.service_settings).toEqual(updated.service_settings);
  });

  test('deleteEndpoint with dry_run keeps the endpoint; the delete methods remove them', async () => {
    expect(await client.deleteEndpoint(EMBEDDING, { dry_run: true })).toEqual({ acknowledged: false, pipelines: [], indexes: [] });
    expect((await client.getEndpoint(EMBEDDING)).endpoints).toHaveLength(1);

    expect(await client.deleteEndpoint(EMBEDDING)).toEqual({ acknowledged: true, pipelines: [], indexes: [] });
    expect(await client.deleteEndpointWithTaskType('completion', COMPLETION)).toEqual({ acknowledged: true, pipelines: [], indexes: [] });
    expect(await client.deleteEndpoint(CHAT)).toEqual({ acknowledged: true, pipelines: [], indexes: [] });

    const remaining = (await client.getAllEndpoints()).endpoints.map((e) => e.inference_id);
    for (const id of [EMBEDDING, COMPLETION, CHAT]) expect(remaining).not.toContain(id);
    expect((await failure(() => client.getEndpoint(CHAT))).status).toBe(404);
  });
});
