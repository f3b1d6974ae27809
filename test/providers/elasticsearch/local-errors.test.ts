/**
 * The documented errors of the elasticsearch service and its elser alias (reference §9.1, §9.2, §1.4, §10), each
 * checked as a whole Elasticsearch envelope, and that no refused PUT leaves an endpoint or a deployment behind.
 * Also deployment reuse through `deployment_id` (§9.1): settings copied from the deployment, inference through it,
 * and a deployment that outlives the endpoint that started it while another endpoint uses it.
 */
import { buildTestModels, localModelsConfig } from '../../support/local-models';
import { expectSimpleEsError } from '../../support/assertions';
import { deploymentsById } from '../../support/trained-models';
import { startTestServer, type TestServer } from '../../support/server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(localModelsConfig(buildTestModels()));
});
afterAll(() => server.stop());

const STATUS = 'status_exception';
const VALIDATION = 'validation_exception';
const ACTION_VALIDATION = 'action_request_validation_exception';
const NOT_FOUND = 'resource_not_found_exception';

const GLOVE = 'glove-twitter-25d-sif';
const IDF = 'opensearch-msmarco-idf-sparse';

const elasticsearch = (serviceSettings: Record<string, unknown>) => ({ service: 'elasticsearch', service_settings: serviceSettings });
const deployment = (modelId: string, extra: Record<string, unknown> = {}) => elasticsearch({ model_id: modelId, num_threads: 1, num_allocations: 1, ...extra });
const adaptive = (modelId: string, adaptiveAllocations: Record<string, unknown>) =>
  elasticsearch({ model_id: modelId, num_threads: 1, adaptive_allocations: adaptiveAllocations });

const endpointIds = async (): Promise<string[]> =>
  (await server.call('GET', '/_inference')).json.endpoints.map((endpoint: { inference_id: string }) => endpoint.inference_id);

interface ErrorCase {
  name: string;
  path: string;
  body: unknown;
  status: number;
  type: string;
  reason: string;
}

const unknownModel = (id: string) =>
  `Error parsing request config, model id does not match any models available on this platform. Was [${id}]. You may need to load it into the cluster using eland.`;
const taskMismatch = (model: string, type: string, task: string) => `Deployed model [${model}] with type [${type}] does not match the requested task type [${task}]`;
const THREADS = 'Validation Failed: 1: [threads_per_allocation] must be a power of 2 less than or equal to 32;';

const PUT_ERRORS: ErrorCase[] = [
  { name: 'unknown model_id', path: '/_inference/text_embedding/err-unknown-model', body: deployment('x'), status: 400, type: STATUS, reason: unknownModel('x') },
  { name: 'a directory that holds no model', path: '/_inference/text_embedding/err-not-a-model', body: deployment('not-a-model'), status: 400, type: STATUS, reason: unknownModel('not-a-model') },
  {
    name: 'text_embedding model (GloVe) as sparse_embedding',
    path: '/_inference/sparse_embedding/err-glove-sparse',
    body: deployment(GLOVE),
    status: 400,
    type: STATUS,
    reason: taskMismatch(GLOVE, 'text_embedding', 'sparse_embedding'),
  },
  {
    name: 'built-in e5 id as sparse_embedding',
    path: '/_inference/sparse_embedding/err-e5-sparse',
    body: deployment('.multilingual-e5-small'),
    status: 400,
    type: STATUS,
    reason: taskMismatch('.multilingual-e5-small', 'text_embedding', 'sparse_embedding'),
  },
  {
    name: 'rerank model as text_embedding',
    path: '/_inference/text_embedding/err-rerank-embedding',
    body: deployment('.rerank-v1'),
    status: 400,
    type: STATUS,
    reason: taskMismatch('.rerank-v1', 'text_similarity', 'text_embedding'),
  },
  {
    name: 'sparse model as text_embedding',
    path: '/_inference/text_embedding/err-idf-embedding',
    body: deployment(IDF),
    status: 400,
    type: STATUS,
    reason: taskMismatch(IDF, 'text_expansion', 'text_embedding'),
  },
  {
    name: 'text_embedding model as rerank',
    path: '/_inference/rerank/err-glove-rerank',
    body: deployment(GLOVE),
    status: 400,
    type: STATUS,
    reason: taskMismatch(GLOVE, 'text_embedding', 'rerank'),
  },
  {
    name: 'elser alias with a non-ELSER model_id',
    path: '/_inference/sparse_embedding/err-elser-glove',
    body: { service: 'elser', service_settings: { model_id: GLOVE, num_threads: 1, num_allocations: 1 } },
    status: 400,
    type: STATUS,
    reason: `Unknown ELSER model ID [${GLOVE}]. Valid models are [.elser_model_1, .elser_model_2, .elser_model_2_linux-x86_64]`,
  },
  {
    name: 'elser alias with the e5 built-in',
    path: '/_inference/sparse_embedding/err-elser-e5',
    body: { service: 'elser', service_settings: { model_id: '.multilingual-e5-small', num_threads: 1, num_allocations: 1 } },
    status: 400,
    type: STATUS,
    reason: 'Unknown ELSER model ID [.multilingual-e5-small]. Valid models are [.elser_model_1, .elser_model_2, .elser_model_2_linux-x86_64]',
  },
  { name: 'num_threads 3', path: '/_inference/text_embedding/err-threads-3', body: deployment(GLOVE, { num_threads: 3 }), status: 400, type: ACTION_VALIDATION, reason: THREADS },
  { name: 'num_threads 64', path: '/_inference/text_embedding/err-threads-64', body: deployment(GLOVE, { num_threads: 64 }), status: 400, type: ACTION_VALIDATION, reason: THREADS },
  {
    name: 'num_threads 3 through the elser alias',
    path: '/_inference/sparse_embedding/err-elser-threads',
    body: { service: 'elser', service_settings: { num_threads: 3, num_allocations: 1 } },
    status: 400,
    type: ACTION_VALIDATION,
    reason: THREADS,
  },
  {
    // Reference §9.1, in the numbered validation format of §1.2.
    name: 'neither num_allocations nor adaptive_allocations',
    path: '/_inference/text_embedding/err-no-allocations',
    body: elasticsearch({ model_id: GLOVE, num_threads: 1 }),
    status: 400,
    type: VALIDATION,
    reason: 'Validation Failed: 1: [service_settings] does not contain one of the required settings [num_allocations, adaptive_allocations];',
  },
  {
    name: 'adaptive min_number_of_allocations -1',
    path: '/_inference/text_embedding/err-adaptive-min',
    body: adaptive(GLOVE, { enabled: true, min_number_of_allocations: -1 }),
    status: 400,
    type: VALIDATION,
    reason: 'Validation Failed: 1: [min_number_of_allocations] must be a non-negative integer or null;',
  },
  {
    name: 'adaptive max_number_of_allocations 0',
    path: '/_inference/text_embedding/err-adaptive-max',
    body: adaptive(GLOVE, { enabled: true, max_number_of_allocations: 0 }),
    status: 400,
    type: VALIDATION,
    reason: 'Validation Failed: 1: [max_number_of_allocations] must be a positive integer or null;',
  },
  {
    name: 'adaptive min larger than max',
    path: '/_inference/text_embedding/err-adaptive-order',
    body: adaptive(GLOVE, { enabled: true, min_number_of_allocations: 4, max_number_of_allocations: 2 }),
    status: 400,
    type: VALIDATION,
    reason: 'Validation Failed: 1: [min_number_of_allocations] must not be larger than [max_number_of_allocations];',
  },
  {
    name: 'unknown adaptive_allocations key',
    path: '/_inference/text_embedding/err-adaptive-key',
    body: adaptive(GLOVE, { enabled: true, foo: 1 }),
    status: 400,
    type: VALIDATION,
    reason: 'Validation Failed: 1: [adaptive_allocations] does not allow the setting [foo];',
  },
  {
    name: 'inference id equal to a model directory name',
    path: `/_inference/text_embedding/${GLOVE}`,
    body: deployment(GLOVE),
    status: 400,
    type: STATUS,
    reason: `Inference endpoint IDs must be unique. Requested inference endpoint ID [${GLOVE}] matches existing trained model ID(s) but must not.`,
  },
  {
    name: 'inference id equal to another model directory name (any service)',
    path: `/_inference/sparse_embedding/${IDF}`,
    body: { service: 'elser', service_settings: { num_threads: 1, num_allocations: 1 } },
    status: 400,
    type: STATUS,
    reason: `Inference endpoint IDs must be unique. Requested inference endpoint ID [${IDF}] matches existing trained model ID(s) but must not.`,
  },
  {
    name: 'unknown deployment_id',
    path: '/_inference/text_embedding/err-no-deployment',
    body: elasticsearch({ deployment_id: 'x' }),
    status: 404,
    type: NOT_FOUND,
    reason: 'Cannot find deployment [x]',
  },
  {
    name: 'unknown deployment_id with a model_id',
    path: '/_inference/text_embedding/err-no-deployment-model',
    body: elasticsearch({ deployment_id: 'no-such-deployment', model_id: GLOVE }),
    status: 404,
    type: NOT_FOUND,
    reason: 'Cannot find deployment [no-such-deployment]',
  },
];

const idOf = (path: string) => path.split('/').at(-1)!;

describe('PUT errors of the elasticsearch service', () => {
  test.each(PUT_ERRORS)('$name → $status $type', async ({ path, body, status, type, reason }) => {
    expectSimpleEsError(await server.call('PUT', path, body), status, type, reason);
    // Nothing was left behind: no endpoint, no deployment under the endpoint's id.
    const id = idOf(path);
    expect((await server.call('GET', `/_inference/${id}`)).status).toBe(404);
    expect((await deploymentsById(server)).has(id)).toBe(false);
  });

  test('no refused PUT left an endpoint or a deployment behind', async () => {
    expect(await endpointIds()).toEqual(['.elser-2-elasticsearch', '.multilingual-e5-small-elasticsearch', '.rerank-v1-elasticsearch']);
    expect([...(await deploymentsById(server)).keys()]).toEqual([]);
  });
});

describe('deployment_id: reusing a deployment', () => {
  test('a second endpoint on the first one’s deployment copies its settings and runs inference through it', async () => {
    const first = await server.call('PUT', '/_inference/text_embedding/first-glove', deployment(GLOVE, { num_threads: 2, num_allocations: 2 }));
    expect(first.status).toBe(200);
    expect(first.json.service_settings).toEqual({ num_allocations: 2, num_threads: 2, model_id: GLOVE, dimensions: 25, similarity: 'cosine' });

    const second = await server.call('PUT', '/_inference/text_embedding/second-glove', elasticsearch({ deployment_id: 'first-glove' }));
    expect(second.status).toBe(200);
    expect(second.json).toEqual({
      inference_id: 'second-glove',
      task_type: 'text_embedding',
      service: 'elasticsearch',
      service_settings: { num_allocations: 2, num_threads: 2, model_id: GLOVE, deployment_id: 'first-glove', dimensions: 25, similarity: 'cosine' },
      chunking_settings: { strategy: 'sentence', max_chunk_size: 250, sentence_overlap: 1 },
    });
    // The same deployment served both: no deployment of its own for the second endpoint.
    const running = await deploymentsById(server);
    expect([...running.keys()]).toEqual(['first-glove']);
    expect(running.get('first-glove')).toMatchObject({ model_id: GLOVE, threads_per_allocation: 2, number_of_allocations: 2 });

    const viaFirst = await server.call('POST', '/_inference/first-glove', { input: 'A man is eating food.' });
    const viaSecond = await server.call('POST', '/_inference/text_embedding/second-glove', { input: 'A man is eating food.' });
    expect(viaSecond.status).toBe(200);
    expect(viaSecond.json.text_embedding[0].embedding).toHaveLength(25);
    expect(viaSecond.json).toEqual(viaFirst.json);
  });

  test('a model_id that does not match the deployment’s model → 400', async () => {
    const response = await server.call('PUT', '/_inference/text_embedding/third-glove', elasticsearch({ deployment_id: 'first-glove', model_id: '.multilingual-e5-small' }));
    expectSimpleEsError(response, 400, STATUS, 'Deployment [first-glove] uses model [glove-twitter-25d-sif] which does not match the model [.multilingual-e5-small] in the request.');
    expect((await server.call('GET', '/_inference/third-glove')).status).toBe(404);
    // The refused PUT did not stop the deployment it named.
    expect([...(await deploymentsById(server)).keys()]).toEqual(['first-glove']);
  });

  test('the matching model_id is accepted with the deployment', async () => {
    const response = await server.call('PUT', '/_inference/text_embedding/third-glove', elasticsearch({ deployment_id: 'first-glove', model_id: GLOVE }));
    expect(response.status).toBe(200);
    expect(response.json.service_settings).toMatchObject({ model_id: GLOVE, deployment_id: 'first-glove', num_threads: 2 });
    expect((await server.call('DELETE', '/_inference/third-glove')).status).toBe(200);
    expect([...(await deploymentsById(server)).keys()]).toEqual(['first-glove']);
  });

  test('deleting the first endpoint keeps the deployment alive while the second uses it', async () => {
    expect((await server.call('DELETE', '/_inference/first-glove')).status).toBe(200);
    expect((await server.call('GET', '/_inference/first-glove')).status).toBe(404);
    const running = await deploymentsById(server);
    expect(running.get('first-glove')).toMatchObject({ deployment_id: 'first-glove', model_id: GLOVE, state: 'started' });
    const stats = await server.call('GET', '/_ml/trained_models/first-glove/_stats');
    expect(stats.status).toBe(200);

    const response = await server.call('POST', '/_inference/second-glove', { input: ['capital of France'] });
    expect(response.status).toBe(200);
    expect(response.json.text_embedding[0].embedding).toHaveLength(25);
    // GET of the second endpoint still reads the live allocations of the shared deployment.
    expect((await server.call('GET', '/_inference/second-glove')).json.endpoints[0].service_settings).toMatchObject({ num_allocations: 2, deployment_id: 'first-glove' });
  });

  test('the id of a deployment still running cannot become a new endpoint’s id', async () => {
    // Another model with the same task type: before the fix the new endpoint silently ran the old deployment.
    const response = await server.call('PUT', '/_inference/text_embedding/first-glove', deployment('test-token-embedder'));
    expectSimpleEsError(
      response,
      400,
      STATUS,
      'Inference endpoint IDs must be unique. Requested inference endpoint ID [first-glove] matches existing trained model ID(s) but must not.',
    );
    expect((await server.call('GET', '/_inference/first-glove')).status).toBe(404);
    expect((await deploymentsById(server)).get('first-glove')).toMatchObject({ model_id: GLOVE });
    expect((await server.call('POST', '/_inference/second-glove', { input: 'x' })).status).toBe(200);
  });

  test('deleting the last endpoint that uses it stops the deployment', async () => {
    expect((await server.call('DELETE', '/_inference/second-glove')).status).toBe(200);
    expect((await deploymentsById(server)).has('first-glove')).toBe(false);
    const stats = await server.call('GET', '/_ml/trained_models/first-glove/_stats');
    expectSimpleEsError(stats, 404, NOT_FOUND, 'No known trained model with model_id [first-glove]');
    // With the deployment gone the id is free again.
    const again = await server.call('PUT', '/_inference/text_embedding/first-glove', deployment(GLOVE));
    expect(again.status).toBe(200);
    expect((await server.call('DELETE', '/_inference/first-glove')).status).toBe(200);
    expect((await deploymentsById(server)).size).toBe(0);
  });
});

describe('POST on a local endpoint with the wrong task type', () => {
  beforeAll(async () => {
    expect((await server.call('PUT', '/_inference/text_embedding/local-glove', deployment(GLOVE))).status).toBe(200);
    expect((await server.call('PUT', '/_inference/sparse_embedding/local-idf', deployment('.elser_model_2'))).status).toBe(200);
  });
  afterAll(async () => {
    await server.call('DELETE', '/_inference/local-glove');
    await server.call('DELETE', '/_inference/local-idf');
  });

  test.each([
    ['sparse_embedding', 'local-glove', 'text_embedding'],
    ['rerank', 'local-glove', 'text_embedding'],
    ['text_embedding', 'local-idf', 'sparse_embedding'],
    ['text_embedding', '.rerank-v1-elasticsearch', 'rerank'],
  ])('POST /_inference/%s/%s → 400 Incompatible task_type', async (requested, id, actual) => {
    const body = requested === 'rerank' ? { input: ['a'], query: 'q' } : { input: 'a' };
    expectSimpleEsError(
      await server.call('POST', `/_inference/${requested}/${id}`, body),
      400,
      STATUS,
      `Incompatible task_type, the requested type [${requested}] does not match the model type [${actual}]`,
    );
  });

  test('the refused calls did not start the default rerank deployment', async () => {
    expect((await deploymentsById(server)).has('.rerank-v1-elasticsearch')).toBe(false);
  });
});
