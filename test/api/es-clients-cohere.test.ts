/**
 * The official Elasticsearch clients (8.19 and 9.x) drive a cohere endpoint through infergate and the Cohere mock
 * (reached through INFERGATE_UPSTREAM_ORIGINS): put, inference (text_embedding), rerank and delete.
 */
import { COHERE_API_KEY, startMockCohere, type MockCohere } from '../providers/cohere/mock-cohere';
import { startTestServer, type TestServer } from '../support/server';
import { ES_CLIENTS, expectResponseError, type EsClientUnderTest } from './es-clients-support';

let mock: MockCohere;
let server: TestServer;

beforeAll(async () => {
  mock = await startMockCohere();
  server = await startTestServer({ upstreamOrigins: { cohere: mock.url } });
});
afterAll(async () => {
  await server?.stop();
  await mock?.close();
});

const DOCUMENTS = ['Bananas are yellow.', 'Paris is the capital of France.', 'France borders Spain.'];

describe.each(ES_CLIENTS)('%s', (_title, tag, createClient) => {
  let client: EsClientUnderTest;
  const ids = { embedding: `${tag}-cohere-embeddings`, rerank: `${tag}-cohere-rerank` };

  beforeAll(() => {
    client = createClient(server.url);
  });
  afterAll(async () => {
    await client.close();
  });

  test('put, inference (text_embedding), rerank and delete of cohere endpoints', async () => {
    mock.reset();
    const embedding = await client.put('text_embedding', ids.embedding, {
      service: 'cohere',
      service_settings: { api_key: COHERE_API_KEY, model_id: 'embed-english-v3.0' },
      task_settings: { input_type: 'ingest', truncate: 'end' },
    });
    expect(embedding).toEqual({
      inference_id: ids.embedding,
      task_type: 'text_embedding',
      service: 'cohere',
      service_settings: {
        model_id: 'embed-english-v3.0',
        rate_limit: { requests_per_minute: 10000 },
        embedding_type: 'float',
        similarity: 'cosine',
        dimensions: 1024,
      },
      task_settings: { input_type: 'ingest', truncate: 'end' },
      chunking_settings: { strategy: 'sentence', max_chunk_size: 250, sentence_overlap: 1 },
    });
    const rerank = await client.put('rerank', ids.rerank, {
      service: 'cohere',
      service_settings: { api_key: COHERE_API_KEY, model_id: 'rerank-english-v3.0' },
      task_settings: { return_documents: true },
    });
    expect(rerank).toMatchObject({ inference_id: ids.rerank, task_type: 'rerank', service: 'cohere', task_settings: { return_documents: true } });
    expect(mock.requests.map((request) => [request.path, request.headers.authorization])).toEqual([
      ['/v2/embed', `Bearer ${COHERE_API_KEY}`],
      ['/v2/rerank', `Bearer ${COHERE_API_KEY}`],
    ]);

    mock.reset();
    const vectors = (await client.inference('text_embedding', ids.embedding, ['first text', 'second text'])) as { text_embedding: { embedding: number[] }[] };
    expect(vectors.text_embedding).toHaveLength(2);
    expect(vectors.text_embedding[0].embedding).toHaveLength(1024);
    expect((await client.textEmbedding(ids.embedding, ['first text'])).text_embedding[0]).toEqual(vectors.text_embedding[0]);
    expect(mock.requestsTo('embed').map((request) => request.body)).toEqual([
      { texts: ['first text', 'second text'], model: 'embed-english-v3.0', input_type: 'search_document', embedding_types: ['float'], truncate: 'end' },
      { texts: ['first text'], model: 'embed-english-v3.0', input_type: 'search_document', embedding_types: ['float'], truncate: 'end' },
    ]);

    const ranked = await client.rerank(ids.rerank, 'capital of France', DOCUMENTS, { top_n: 2 });
    expect(ranked.rerank.map((entry) => [entry.index, entry.text])).toEqual([
      [1, 'Paris is the capital of France.'],
      [2, 'France borders Spain.'],
    ]);
    const generic = (await client.inference('rerank', ids.rerank, DOCUMENTS, 'capital of France')) as { rerank: { index: number }[] };
    expect(generic.rerank.map((entry) => entry.index)).toEqual([1, 2, 0]);

    expect(await client.delete(ids.embedding)).toEqual({ acknowledged: true, pipelines: [], indexes: [] });
    expect(await client.delete(ids.rerank)).toMatchObject({ acknowledged: true });
    await expectResponseError(client, client.get(ids.rerank), 404, 'resource_not_found_exception');
    expect(JSON.stringify(server.bodies)).not.toContain(COHERE_API_KEY);
  });
});
