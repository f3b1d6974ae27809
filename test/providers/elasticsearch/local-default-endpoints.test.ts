/**
 * The preconfigured endpoints of the elasticsearch service (reference §9.3): `.elser-2-elasticsearch`,
 * `.multilingual-e5-small-elasticsearch` and `.rerank-v1-elasticsearch` exist without a PUT, are listed first, can be
 * fetched and used by id, start their deployment on first use (§9.4), are reserved for PUT (§1.4) and DELETE (§2.3),
 * come back after a forced delete, and stay listable when the model behind them is not installed.
 */
import { DEFAULT_BUILTIN_MODELS } from '../../../server/config';
import { buildTestModels, localModelsConfig } from '../../support/local-models';
import { SHARED_MODELS_DIR } from '../../support/shared-models';
import { expectSimpleEsError } from '../../support/assertions';
import { deploymentsById } from '../../support/trained-models';
import { startTestServer, type TestResponse, type TestServer } from '../../support/server';

const ELSER = '.elser-2-elasticsearch';
const E5 = '.multilingual-e5-small-elasticsearch';
const RERANK = '.rerank-v1-elasticsearch';
const DEFAULT_IDS = [ELSER, E5, RERANK];

/** Elasticsearch picks the linux-x86_64 variants of ELSER and e5 on that platform only (reference §9.3). */
const LINUX_X64 = process.platform === 'linux' && process.arch === 'x64';
const ELSER_MODEL = LINUX_X64 ? '.elser_model_2_linux-x86_64' : '.elser_model_2';
const E5_MODEL = LINUX_X64 ? '.multilingual-e5-small_linux-x86_64' : '.multilingual-e5-small';

const ADAPTIVE = { enabled: true, min_number_of_allocations: 0, max_number_of_allocations: 32 };
const DEFAULT_CHUNKING = { strategy: 'sentence', max_chunk_size: 250, sentence_overlap: 1 };

/** The endpoints as GET shows them before their deployment runs (no live `num_allocations`). */
const EXPECTED = {
  [ELSER]: {
    inference_id: ELSER,
    task_type: 'sparse_embedding',
    service: 'elasticsearch',
    service_settings: { num_threads: 1, model_id: ELSER_MODEL, adaptive_allocations: ADAPTIVE },
    chunking_settings: DEFAULT_CHUNKING,
  },
  [E5]: {
    inference_id: E5,
    task_type: 'text_embedding',
    service: 'elasticsearch',
    service_settings: { num_threads: 1, model_id: E5_MODEL, adaptive_allocations: ADAPTIVE },
    chunking_settings: DEFAULT_CHUNKING,
  },
  [RERANK]: {
    inference_id: RERANK,
    task_type: 'rerank',
    service: 'elasticsearch',
    service_settings: { num_threads: 1, model_id: '.rerank-v1', adaptive_allocations: ADAPTIVE },
    task_settings: { return_documents: true },
  },
} as const;

const MODEL_OF: Record<string, string> = { [ELSER]: ELSER_MODEL, [E5]: E5_MODEL, [RERANK]: '.rerank-v1' };

/** One request that uses each default endpoint, by id only. */
const USE: Record<string, { input: string | string[]; query?: string }> = {
  [ELSER]: { input: 'What is the capital of France?' },
  [E5]: { input: 'A man is eating food.' },
  [RERANK]: { query: 'What is the capital of France?', input: ['The stock market fell today.', 'Paris is the capital and largest city of France.'] },
};

const PASSAGES = ['The stock market fell today.', 'Paris is the capital and largest city of France.', 'Bananas are yellow.'];

interface EndpointInfo {
  inference_id: string;
  service_settings: Record<string, unknown>;
}

const idsOf = (response: TestResponse): string[] => response.json.endpoints.map((endpoint: EndpointInfo) => endpoint.inference_id);

let modelsRoot: string;
beforeAll(() => {
  modelsRoot = buildTestModels();
});

describe('with the built-in models installed', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(localModelsConfig(modelsRoot));
  });
  afterAll(() => server.stop());

  describe('before any use', () => {
    // Runs first on a fresh server: nothing has listed (and so materialised) the defaults yet.
    test.each(DEFAULT_IDS)('GET /_inference/%s works by id alone, with the documented settings', async (id) => {
      const response = await server.call('GET', `/_inference/${id}`);
      expect(response.status).toBe(200);
      expect(response.json).toEqual({ endpoints: [EXPECTED[id as keyof typeof EXPECTED]] });
      const withTaskType = await server.call('GET', `/_inference/${EXPECTED[id as keyof typeof EXPECTED].task_type}/${id}`);
      expect(withTaskType.json).toEqual(response.json);
    });

    test('no deployment runs for them until they are used', async () => {
      const running = await deploymentsById(server);
      for (const id of DEFAULT_IDS) expect(running.has(id)).toBe(false);
      expect(running.size).toBe(0);
    });

    test('GET /_inference lists the defaults first, in id order, with the documented settings', async () => {
      const created = await server.call('PUT', '/_inference/text_embedding/a-user-endpoint', {
        service: 'elasticsearch',
        service_settings: { model_id: '.multilingual-e5-small', num_threads: 1, num_allocations: 1 },
      });
      expect(created.status).toBe(200);
      for (const path of ['/_inference', '/_inference/_all', '/_inference/*']) {
        const response = await server.call('GET', path);
        expect(response.status).toBe(200);
        expect(idsOf(response)).toEqual([ELSER, E5, RERANK, 'a-user-endpoint']);
        expect(response.json.endpoints.slice(0, 3)).toEqual([EXPECTED[ELSER], EXPECTED[E5], EXPECTED[RERANK]]);
      }
      expect((await server.call('DELETE', '/_inference/a-user-endpoint')).status).toBe(200);
    });

    test.each([
      ['sparse_embedding', [ELSER]],
      ['text_embedding', [E5]],
      ['rerank', [RERANK]],
      ['completion', []],
    ])('GET /_inference/%s/_all includes only the defaults of that task type', async (taskType, expected) => {
      const response = await server.call('GET', `/_inference/${taskType}/_all`);
      expect(response.status).toBe(200);
      expect(idsOf(response).filter((id) => id.startsWith('.'))).toEqual(expected);
      for (const endpoint of response.json.endpoints) expect(endpoint.task_type).toBe(taskType);
    });

    test.each(DEFAULT_IDS)('PUT on %s fails the id-format check before the reserved-id check', async (id) => {
      const body = { service: 'elasticsearch', service_settings: { model_id: MODEL_OF[id], num_threads: 1, num_allocations: 1 } };
      const reason = `Validation Failed: 1: Invalid inference_id; '${id}' can contain lowercase alphanumeric (a-z and 0-9), hyphens or underscores; must start and end with alphanumeric;`;
      const taskType = EXPECTED[id as keyof typeof EXPECTED].task_type;
      expectSimpleEsError(await server.call('PUT', `/_inference/${taskType}/${id}`, body), 400, 'action_request_validation_exception', reason);
      expectSimpleEsError(await server.call('PUT', `/_inference/${id}`, { ...body, task_type: taskType }), 400, 'action_request_validation_exception', reason);
      // Nothing changed.
      expect((await server.call('GET', `/_inference/${id}`)).json).toEqual({ endpoints: [EXPECTED[id as keyof typeof EXPECTED]] });
    });

    test.each(DEFAULT_IDS)('DELETE %s without force=true is refused as reserved', async (id) => {
      const reason = `[${id}] is a reserved inference endpoint. Use the force=true query parameter to delete the inference endpoint.`;
      expectSimpleEsError(await server.call('DELETE', `/_inference/${id}`), 400, 'status_exception', reason);
      const taskType = EXPECTED[id as keyof typeof EXPECTED].task_type;
      expectSimpleEsError(await server.call('DELETE', `/_inference/${taskType}/${id}?force=false`), 400, 'status_exception', reason);
      expect((await server.call('GET', `/_inference/${id}`)).status).toBe(200);
    });
  });

  describe('in use', () => {
    test('the ELSER default gives sparse weights for the query terms', async () => {
      const response = await server.call('POST', `/_inference/${ELSER}`, { input: ['What is the capital of France?'] });
      expect(response.status).toBe(200);
      const [result] = response.json.sparse_embedding;
      expect(result.is_truncated).toBe(false);
      expect(Object.keys(result.embedding).slice(0, 2)).toEqual(['france', 'capital']);
      expect(result.embedding.france).toBeGreaterThan(5);
      expect(result.embedding.paris).toBeUndefined();
      const viaTaskType = await server.call('POST', `/_inference/sparse_embedding/${ELSER}`, { input: 'capital of France' });
      expect(Object.keys(viaTaskType.json.sparse_embedding[0].embedding)).toEqual(expect.arrayContaining(['capital', 'france']));
    });

    test('the e5 default gives one 25-d unit vector per input (GloVe behind .multilingual-e5-small)', async () => {
      const response = await server.call('POST', `/_inference/text_embedding/${E5}`, { input: ['A man is eating food.', 'The stock market fell today.'] });
      expect(response.status).toBe(200);
      const vectors = response.json.text_embedding.map((entry: { embedding: number[] }) => entry.embedding);
      expect(vectors).toHaveLength(2);
      for (const vector of vectors) {
        expect(vector).toHaveLength(25);
        expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
      }
      expect(vectors[0]).not.toEqual(vectors[1]);
    });

    test('the rerank default ranks the relevant passage first and returns documents by default', async () => {
      const response = await server.call('POST', `/_inference/${RERANK}`, { query: 'What is the capital of France?', input: PASSAGES });
      expect(response.status).toBe(200);
      const ranked = response.json.rerank;
      expect(ranked.map((entry: { index: number }) => entry.index)[0]).toBe(1);
      expect(ranked).toHaveLength(3);
      expect(ranked[0]).toEqual({ index: 1, relevance_score: expect.any(Number), text: PASSAGES[1] });
      const scores = ranked.map((entry: { relevance_score: number }) => entry.relevance_score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(scores[0] - scores[1]).toBeGreaterThan(0.5);
    });

    test('after first use the stats API lists each default deployment, and GET shows a live num_allocations', async () => {
      const running = await deploymentsById(server);
      for (const id of DEFAULT_IDS) {
        expect(running.get(id)).toMatchObject({
          deployment_id: id,
          model_id: MODEL_OF[id],
          state: 'started',
          threads_per_allocation: 1,
          number_of_allocations: 1,
          allocation_status: { allocation_count: 1, target_allocation_count: 1, state: 'fully_allocated' },
          adaptive_allocations: ADAPTIVE,
        });
        expect(running.get(id)!.inference_count).toBeGreaterThan(0);
        // The deployment is found by its id, as a model id would be.
        const one = await server.call('GET', `/_ml/trained_models/${id}/_stats`);
        expect(one.status).toBe(200);
        expect(one.json.trained_model_stats.map((entry: { deployment_stats?: { deployment_id: string } }) => entry.deployment_stats?.deployment_id)).toEqual([id]);

        const expected = EXPECTED[id as keyof typeof EXPECTED];
        const fetched = await server.call('GET', `/_inference/${id}`);
        expect(fetched.json.endpoints[0]).toEqual({ ...expected, service_settings: { num_allocations: 1, ...expected.service_settings } });
        // `num_allocations` comes first, as Elasticsearch prints it.
        expect(Object.keys(fetched.json.endpoints[0].service_settings)[0]).toBe('num_allocations');
      }
      const listed = await server.call('GET', '/_inference');
      for (const endpoint of listed.json.endpoints.slice(0, 3) as EndpointInfo[]) expect(endpoint.service_settings.num_allocations).toBe(1);
    });

    test.each(DEFAULT_IDS)('DELETE %s?force=true deletes it and stops its deployment; it comes back on the next read and works', async (id) => {
      expect((await deploymentsById(server)).has(id)).toBe(true);
      const deleted = await server.call('DELETE', `/_inference/${id}?force=true`);
      expect({ status: deleted.status, body: deleted.json }).toEqual({ status: 200, body: { acknowledged: true, pipelines: [], indexes: [] } });
      expect((await deploymentsById(server)).has(id)).toBe(false);

      // Re-materialised as it was first handed out: no deployment, so no live num_allocations.
      const fetched = await server.call('GET', `/_inference/${id}`);
      expect(fetched.status).toBe(200);
      expect(fetched.json).toEqual({ endpoints: [EXPECTED[id as keyof typeof EXPECTED]] });
      expect(idsOf(await server.call('GET', '/_inference')).slice(0, 3)).toEqual(DEFAULT_IDS);

      // Still reserved, and usable again (its deployment starts on demand).
      expect((await server.call('DELETE', `/_inference/${id}`)).status).toBe(400);
      const used = await server.call('POST', `/_inference/${id}`, USE[id]);
      expect(used.status).toBe(200);
      expect((await deploymentsById(server)).get(id)).toMatchObject({ deployment_id: id, model_id: MODEL_OF[id], state: 'started' });
    });
  });
});

describe('when the model behind a default endpoint is not installed', () => {
  let server: TestServer;

  afterEach(() => server?.stop());

  test('.rerank-v1 mapped to a missing directory: listing works, rerank answers 400 naming the model, the others still work', async () => {
    const models = localModelsConfig(modelsRoot);
    server = await startTestServer({ ...models, builtinModels: { ...models.builtinModels, '.rerank-v1': 'no-such-reranker' } });
    const listed = await server.call('GET', '/_inference');
    expect(listed.status).toBe(200);
    expect(idsOf(listed)).toEqual(DEFAULT_IDS);
    expect(listed.json.endpoints).toEqual([EXPECTED[ELSER], EXPECTED[E5], EXPECTED[RERANK]]);
    expect((await server.call('GET', `/_inference/${RERANK}`)).json).toEqual({ endpoints: [EXPECTED[RERANK]] });

    const refused = await server.call('POST', `/_inference/${RERANK}`, USE[RERANK]);
    expect(refused.status).toBe(400);
    expect(refused.json.error.type).toBe('status_exception');
    expect(refused.json.error.reason).toContain('[.rerank-v1]');
    expect(refused.json.error.reason).toContain('no-such-reranker');
    expect((await deploymentsById(server)).has(RERANK)).toBe(false);
    // The failed use did not break or remove the endpoint.
    expect((await server.call('GET', `/_inference/${RERANK}`)).json).toEqual({ endpoints: [EXPECTED[RERANK]] });

    expect((await server.call('POST', `/_inference/${ELSER}`, USE[ELSER])).status).toBe(200);
    expect((await server.call('POST', `/_inference/${E5}`, USE[E5])).status).toBe(200);
  });

  test('the plain default map (no such model directories): listing works, every default answers 400 naming its model', async () => {
    server = await startTestServer({ modelsDirs: [SHARED_MODELS_DIR], builtinModels: { ...DEFAULT_BUILTIN_MODELS } });
    const listed = await server.call('GET', '/_inference');
    expect(listed.status).toBe(200);
    expect(listed.json.endpoints).toEqual([EXPECTED[ELSER], EXPECTED[E5], EXPECTED[RERANK]]);
    for (const id of DEFAULT_IDS) {
      const refused = await server.call('POST', `/_inference/${id}`, USE[id]);
      expect(refused.status).toBe(400);
      expect(refused.json.error.type).toBe('status_exception');
      expect(refused.json.error.reason).toContain(`[${MODEL_OF[id]}]`);
      expect((await server.call('GET', `/_inference/${id}`)).json).toEqual({ endpoints: [EXPECTED[id as keyof typeof EXPECTED]] });
    }
    expect((await deploymentsById(server)).size).toBe(0);
  });
});
