/** The official Elasticsearch clients (8.19 and 9.x) drive custom endpoints through put, inference, rerank and
 * delete, against the generic JSON mock of the custom service. */
import { customBody } from '../providers/custom/bodies';
import { CUSTOM_API_KEY, startMockCustom, vectorOf, type MockCustom } from '../providers/custom/mock-custom';
import { startTestServer, type TestServer } from '../support/server';
import { ES_CLIENTS, type EsClientUnderTest } from './es-clients-support';

let mock: MockCustom;
let server: TestServer;

beforeAll(async () => {
  mock = await startMockCustom();
  server = await startTestServer({ upstreamOrigins: { custom: mock.url } });
});

afterAll(async () => {
  await server?.stop();
  await mock?.close();
});

describe.each(ES_CLIENTS)('%s', (_title, tag, createClient) => {
  let client: EsClientUnderTest;
  const ids = { embedding: `${tag}-custom-embeddings`, rerank: `${tag}-custom-rerank` };

  beforeAll(() => {
    client = createClient(server.url);
  });
  afterAll(async () => {
    await client.close();
  });

  test('inference.put creates custom text_embedding and rerank endpoints, without their secret parameters', async () => {
    const embedding = await client.put('text_embedding', ids.embedding, customBody('text_embedding') as never);
    expect(embedding).toMatchObject({ inference_id: ids.embedding, task_type: 'text_embedding', service: 'custom' });
    expect(embedding.service_settings).toMatchObject({ dimensions: 4, similarity: 'dot_product' });
    const rerank = await client.put('rerank', ids.rerank, customBody('rerank') as never);
    expect(rerank).toMatchObject({ inference_id: ids.rerank, task_type: 'rerank', service: 'custom' });
    for (const info of [embedding, rerank]) {
      expect(info.service_settings).not.toHaveProperty('secret_parameters');
      expect(JSON.stringify(info)).not.toContain(CUSTOM_API_KEY);
    }
  });

  test('inference.inference runs text_embedding and rerank', async () => {
    const embeddings = (await client.inference('text_embedding', ids.embedding, ['alpha', 'be'])) as { text_embedding: Array<{ embedding: number[] }> };
    expect(embeddings.text_embedding.map((e) => e.embedding)).toEqual([vectorOf('alpha'), vectorOf('be')]);
    const ranked = (await client.inference('rerank', ids.rerank, ['Bananas are yellow.', 'Paris is the capital of France.'], 'capital of France')) as {
      rerank: Array<{ index: number; relevance_score: number }>;
    };
    expect(ranked.rerank.map((r) => r.index)).toEqual([1, 0]);
  });

  test('inference.delete removes both', async () => {
    expect(await client.delete(ids.embedding)).toMatchObject({ acknowledged: true });
    expect(await client.delete(ids.rerank)).toMatchObject({ acknowledged: true });
    expect((await server.call('GET', `/_inference/${ids.rerank}`)).status).toBe(404);
  });
});
