/**
 * The official Elasticsearch clients (8.19 and 9.x) against infergate's elasticsearch service on the local models:
 * endpoints created, run and deleted through the clients, and the default endpoints as the clients see them.
 */
import { buildTestModels, localModelsConfig } from '../support/local-models';
import { startTestServer, type TestServer } from '../support/server';
import { ES_CLIENTS, expectResponseError, type EsClientUnderTest } from './es-clients-support';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(localModelsConfig(buildTestModels()));
});

afterAll(async () => {
  await server?.stop();
});

const DEFAULT_ENDPOINT_IDS = ['.elser-2-elasticsearch', '.multilingual-e5-small-elasticsearch', '.rerank-v1-elasticsearch'];
/** The ELSER v2 variant Elasticsearch picks for this platform (reference §9.2, §9.3). */
const ELSER_MODEL = process.platform === 'linux' && process.arch === 'x64' ? '.elser_model_2_linux-x86_64' : '.elser_model_2';

describe.each(ES_CLIENTS)('%s', (_title, tag, createClient) => {
  let client: EsClientUnderTest;

  beforeAll(() => {
    client = createClient(server.url);
  });
  afterAll(async () => {
    await client.close();
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
});
