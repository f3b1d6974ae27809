/**
 * The official Elasticsearch clients (8.19 and 9.x) against infergate, the mock OpenAI and the local models: they
 * must accept the server (product header, vendor media types) and every inference API they expose must work end to end.
 */
import { Client as Client8, errors as errors8, type estypes as es8 } from 'es8';
import { Client as Client9, errors as errors9, type estypes as es9 } from 'es9';
import type { Readable } from 'node:stream';
import { buildTestModels, localModelsConfig } from '../support/local-models';
import { DEFAULT_API_KEY, embeddingFor, startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import { startTestServer, type TestServer } from '../support/server';

let mock: MockOpenAi;
let server: TestServer;

beforeAll(async () => {
  mock = await startMockOpenAi();
  server = await startTestServer(localModelsConfig(buildTestModels()));
});

afterAll(async () => {
  await server?.stop();
  await mock?.close();
});

const DEFAULT_ENDPOINT_IDS = ['.elser-2-elasticsearch', '.multilingual-e5-small-elasticsearch', '.rerank-v1-elasticsearch'];
/** The ELSER v2 variant Elasticsearch picks for this platform (reference §9.2, §9.3). */
const ELSER_MODEL = process.platform === 'linux' && process.arch === 'x64' ? '.elser_model_2_linux-x86_64' : '.elser_model_2';

type TaskType = 'text_embedding' | 'sparse_embedding' | 'rerank' | 'completion' | 'chat_completion';

interface EndpointConfig {
  service: string;
  service_settings: Record<string, unknown>;
  task_settings?: Record<string, unknown>;
}

interface EndpointInfo extends EndpointConfig {
  inference_id: string;
  task_type: string;
  chunking_settings?: object;
}

interface ChatMessage {
  role: string;
  content: string;
}

interface ResponseErrorLike {
  statusCode?: number;
  body: unknown;
}

/**
 * The calls this test makes, written once per client below so that each call is checked against that client's own
 * types; the test body is shared.
 */
interface EsClientUnderTest {
  put(taskType: TaskType, inferenceId: string, config: EndpointConfig): Promise<EndpointInfo>;
  getAll(): Promise<{ endpoints: EndpointInfo[] }>;
  get(inferenceId: string, taskType?: TaskType): Promise<{ endpoints: EndpointInfo[] }>;
  inference(taskType: TaskType, inferenceId: string, input: string | string[], query?: string): Promise<unknown>;
  textEmbedding(inferenceId: string, input: string[]): Promise<{ text_embedding: Array<{ embedding: number[] }> }>;
  completion(inferenceId: string, input: string): Promise<{ completion: Array<{ result: string }> }>;
  /** With `asStream: true`: the raw body, and the response headers. */
  streamCompletion(inferenceId: string, input: string): Promise<{ body: Readable; headers: Record<string, unknown> }>;
  chatCompletionUnified(inferenceId: string, messages: ChatMessage[]): Promise<{ body: Readable; headers: Record<string, unknown> }>;
  update(inferenceId: string, serviceSettings: Record<string, unknown>, taskType?: TaskType): Promise<EndpointInfo>;
  delete(inferenceId: string, force?: boolean): Promise<{ acknowledged: boolean; pipelines?: string[]; indexes?: string[] }>;
  isResponseError(error: unknown): error is ResponseErrorLike;
  close(): Promise<void>;
}

/** The clients type the stream result as ArrayBuffer; with `asStream: true` it is a Node readable at run time. */
const asReadable = (body: unknown): Readable => body as Readable;

function es8Client(node: string): EsClientUnderTest {
  const client = new Client8({ node });
  const { inference } = client;
  return {
    put: (task_type, inference_id, inference_config) => inference.put({ task_type, inference_id, inference_config }),
    getAll: () => inference.get(),
    get: (inference_id, task_type) => inference.get({ inference_id, task_type }),
    inference: (task_type, inference_id, input, query) => inference.inference({ task_type, inference_id, input, query }),
    textEmbedding: async (inference_id, input) => {
      const result = await inference.textEmbedding({ inference_id, input });
      return { text_embedding: result.text_embedding ?? [] };
    },
    completion: (inference_id, input) => inference.completion({ inference_id, input }),
    streamCompletion: async (inference_id, input) => {
      const result = await inference.streamCompletion({ inference_id, input }, { asStream: true, meta: true });
      return { body: asReadable(result.body), headers: result.headers };
    },
    chatCompletionUnified: async (inference_id, messages) => {
      const result = await inference.chatCompletionUnified(
        { inference_id, chat_completion_request: { messages } },
        { asStream: true, meta: true },
      );
      return { body: asReadable(result.body), headers: result.headers };
    },
    // The client types the _update body as a whole endpoint (with `service`), as the spec example does; the server,
    // like Elasticsearch (reference §2.7, §14), refuses `service` in an _update body.
    update: (inference_id, service_settings, task_type) =>
      inference.update({ inference_id, task_type, inference_config: { service_settings } as es8.InferenceInferenceEndpoint }),
    delete: (inference_id, force) => inference.delete({ inference_id, force }),
    isResponseError: (error): error is ResponseErrorLike => error instanceof errors8.ResponseError,
    close: () => client.close(),
  };
}

function es9Client(node: string): EsClientUnderTest {
  const client = new Client9({ node });
  const { inference } = client;
  return {
    put: (task_type, inference_id, inference_config) => inference.put({ task_type, inference_id, inference_config }),
    getAll: () => inference.get(),
    get: (inference_id, task_type) => inference.get({ inference_id, task_type }),
    inference: (task_type, inference_id, input, query) => inference.inference({ task_type, inference_id, input, query }),
    textEmbedding: async (inference_id, input) => {
      const result = await inference.textEmbedding({ inference_id, input });
      return { text_embedding: result?.text_embedding ?? [] };
    },
    completion: (inference_id, input) => inference.completion({ inference_id, input }),
    streamCompletion: async (inference_id, input) => {
      const result = await inference.streamCompletion({ inference_id, input }, { asStream: true, meta: true });
      return { body: asReadable(result.body), headers: result.headers };
    },
    chatCompletionUnified: async (inference_id, messages) => {
      const result = await inference.chatCompletionUnified(
        { inference_id, chat_completion_request: { messages } },
        { asStream: true, meta: true },
      );
      return { body: asReadable(result.body), headers: result.headers };
    },
    update: (inference_id, service_settings, task_type) =>
      inference.update({ inference_id, task_type, inference_config: { service_settings } as es9.InferenceInferenceEndpoint }),
    delete: (inference_id, force) => inference.delete({ inference_id, force }),
    isResponseError: (error): error is ResponseErrorLike => error instanceof errors9.ResponseError,
    close: () => client.close(),
  };
}

async function readAll(body: Readable): Promise<string> {
  let text = '';
  for await (const chunk of body) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}

/** The `data:` payloads of an SSE body, in order (BOMs before `event:` are tolerated). */
function dataLines(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice('data: '.length));
}

async function expectResponseError(client: EsClientUnderTest, promise: Promise<unknown>, statusCode: number, type: string): Promise<ResponseErrorLike> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(client.isResponseError(error)).toBe(true);
  const responseError = error as ResponseErrorLike;
  expect(responseError.statusCode).toBe(statusCode);
  expect(responseError.body).toMatchObject({ error: { type }, status: statusCode });
  return responseError;
}

describe.each([
  ['@elastic/elasticsearch 8.19', 'es8', es8Client],
  ['@elastic/elasticsearch 9.x', 'es9', es9Client],
])('%s', (_title, tag, createClient) => {
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

  describe('the elasticsearch service (local models)', () => {
    const local = { embedding: `${tag}-local-embeddings`, elser: `${tag}-local-elser` };
    const passages = ['The stock market fell today.', 'Paris is the capital and largest city of France.', 'Bananas are yellow.'];

    test('inference.put creates an elasticsearch text_embedding endpoint and an elser sparse_embedding endpoint', async () => {
      const embedding = await client.put('text_embedding', local.embedding, {
        service: 'elasticsearch',
        service_settings: { model_id: '.multilingual-e5-small', num_allocations: 1, num_threads: 1 },
      });
      expect(embedding).toEqual({
        inference_id: local.embedding,
        task_type: 'text_embedding',
        service: 'elasticsearch',
        service_settings: { num_allocations: 1, num_threads: 1, model_id: '.multilingual-e5-small', dimensions: 25, similarity: 'cosine' },
        chunking_settings: { strategy: 'sentence', max_chunk_size: 250, sentence_overlap: 1 },
      });

      // The deprecated alias is stored as the elasticsearch service, with an ELSER v2 model id filled in (Elasticsearch
      // picks the platform's variant, reference §9.2; the spec's default is the platform-agnostic one).
      const elser = await client.put('sparse_embedding', local.elser, { service: 'elser', service_settings: { num_allocations: 1, num_threads: 1 } });
      expect(elser).toEqual({
        inference_id: local.elser,
        task_type: 'sparse_embedding',
        service: 'elasticsearch',
        service_settings: { num_allocations: 1, num_threads: 1, model_id: expect.stringMatching(/^\.elser_model_2(_linux-x86_64)?$/) },
        chunking_settings: { strategy: 'sentence', max_chunk_size: 250, sentence_overlap: 1 },
      });
    });

    test('inference.inference runs them and the default rerank endpoint (with query)', async () => {
      const embeddings = (await client.inference('text_embedding', local.embedding, ['A man is eating food.', 'The stock market fell today.'])) as {
        text_embedding: Array<{ embedding: number[] }>;
      };
      expect(embeddings.text_embedding).toHaveLength(2);
      for (const { embedding } of embeddings.text_embedding) {
        expect(embedding).toHaveLength(25);
        expect(Math.hypot(...embedding)).toBeCloseTo(1, 5);
      }

      const sparse = (await client.inference('sparse_embedding', local.elser, 'What is the capital of France?')) as {
        sparse_embedding: Array<{ is_truncated: boolean; embedding: Record<string, number> }>;
      };
      expect(sparse.sparse_embedding).toHaveLength(1);
      expect(Object.keys(sparse.sparse_embedding[0].embedding).slice(0, 2)).toEqual(['france', 'capital']);

      const reranked = (await client.inference('rerank', '.rerank-v1-elasticsearch', passages, 'What is the capital of France?')) as {
        rerank: Array<{ index: number; relevance_score: number; text?: string }>;
      };
      expect(reranked.rerank.map((entry) => entry.index)[0]).toBe(1);
      expect(reranked.rerank[0]).toEqual({ index: 1, relevance_score: expect.any(Number), text: passages[1] });
      expect(reranked.rerank).toHaveLength(3);

      // Without a query the rerank call is refused, as a client ResponseError.
      const refused = await expectResponseError(client, client.inference('rerank', '.rerank-v1-elasticsearch', passages), 400, 'action_request_validation_exception');
      expect(refused.body).toMatchObject({ error: { reason: 'Validation Failed: 1: Field [query] cannot be null for task type [rerank];' } });
    });

    test('inference.get lists the default endpoints first, then the new ones', async () => {
      const all = await client.getAll();
      const listed = all.endpoints.map((e) => e.inference_id);
      expect(listed.slice(0, 3)).toEqual(DEFAULT_ENDPOINT_IDS);
      expect(listed).toEqual(expect.arrayContaining([local.embedding, local.elser]));
      expect(all.endpoints[2]).toMatchObject({
        task_type: 'rerank',
        service: 'elasticsearch',
        service_settings: { num_threads: 1, model_id: '.rerank-v1', adaptive_allocations: { enabled: true, min_number_of_allocations: 0, max_number_of_allocations: 32 } },
        task_settings: { return_documents: true },
      });

      const elserDefault = await client.get('.elser-2-elasticsearch', 'sparse_embedding');
      expect(elserDefault.endpoints).toHaveLength(1);
      expect(elserDefault.endpoints[0]).toMatchObject({ inference_id: '.elser-2-elasticsearch', service: 'elasticsearch', service_settings: { model_id: ELSER_MODEL } });
      const sparseOnly = await client.get('_all', 'sparse_embedding');
      expect(sparseOnly.endpoints.map((e) => e.inference_id)).toEqual(['.elser-2-elasticsearch', local.elser]);
    });

    test('inference.delete removes the local endpoints; a default one needs force', async () => {
      for (const id of Object.values(local)) {
        expect(await client.delete(id)).toEqual({ acknowledged: true, pipelines: [], indexes: [] });
        await expectResponseError(client, client.get(id), 404, 'resource_not_found_exception');
      }
      const reserved = await expectResponseError(client, client.delete('.rerank-v1-elasticsearch'), 400, 'status_exception');
      expect(reserved.body).toMatchObject({
        error: { reason: '[.rerank-v1-elasticsearch] is a reserved inference endpoint. Use the force=true query parameter to delete the inference endpoint.' },
      });
      expect(await client.delete('.rerank-v1-elasticsearch', true)).toEqual({ acknowledged: true, pipelines: [], indexes: [] });
      // A deleted default comes back on the next read.
      expect((await client.get('.rerank-v1-elasticsearch')).endpoints.map((e) => e.inference_id)).toEqual(['.rerank-v1-elasticsearch']);
    });
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
