/**
 * A PUT that fails after its deployment started stops that deployment and frees the local capacity it held; a
 * deployment another endpoint holds (stored, or still being PUT) stays.
 */
import { loadConfig } from '../../../server/config';
import { callContext } from '../../../server/inference/call';
import { timeValueFromMs } from '../../../server/http/time-value';
import { createLogger } from '../../../server/logger';
import { createProvider } from '../../../server/providers/elasticsearch';
import type { InferenceProvider, ProviderDependencies } from '../../../server/providers/types';
import type { StoredEndpoint } from '../../../server/store/endpoint-store';
import type { TaskType } from '../../../server/task-type';
import { buildTestModels, localModelsConfig, localServerFor } from '../../support/local-models';

const BERT = 'synthetic-bert-l4-h128';
/** Two allocations of one thread: the whole of the two threads the engine may hold in these tests. */
const WHOLE_ENGINE = { model_id: BERT, num_threads: 1, num_allocations: 2 };

let modelsRoot: string;
beforeAll(() => {
  modelsRoot = buildTestModels();
});

describe('over HTTP', () => {
  const server = localServerFor(() => modelsRoot, { maxLocalThreads: 2 });
  const deploymentsOf = async (modelId: string) =>
    (await server().call('GET', `/_ml/trained_models/${modelId}/_stats`)).json.trained_model_stats
      .map((entry: { deployment_stats?: { deployment_id: string } }) => entry.deployment_stats?.deployment_id)
      .filter(Boolean);

  test('a PUT refused by the task type check after its model deployed leaves no deployment and no capacity held', async () => {
    const mismatched = await server().call('PUT', '/_inference/sparse_embedding/wrong-task', { service: 'elasticsearch', service_settings: WHOLE_ENGINE });
    expect(mismatched.status).toBe(400);
    expect(mismatched.json.error.reason).toBe(
      `Deployed model [${BERT}] with type [text_embedding] does not match the requested task type [sparse_embedding]`,
    );
    expect(await deploymentsOf(BERT)).toEqual([]);

    const whole = await server().call('PUT', '/_inference/text_embedding/takes-all', { service: 'elasticsearch', service_settings: WHOLE_ENGINE });
    expect(whole.status).toBe(200);
  }, 60_000);

  test("a failed PUT that reused a stored endpoint's deployment leaves it running", async () => {
    const borrower = await server().call('PUT', '/_inference/sparse_embedding/borrower', {
      service: 'elasticsearch',
      service_settings: { deployment_id: 'takes-all' },
    });
    expect(borrower.status).toBe(400);
    expect(await deploymentsOf(BERT)).toEqual(['takes-all']);
    expect((await server().call('POST', '/_inference/takes-all', { input: ['still served'] })).status).toBe(200);
  }, 60_000);
});

describe('a validation call that fails after the deployment started', () => {
  // A queue that holds no input: the deployment starts, then the validation call cannot be queued.
  const server = localServerFor(() => modelsRoot, { maxLocalThreads: 2, queueCapacity: 0 });

  test('stops the deployment: the next PUT of the whole engine fails its validation call, not for capacity', async () => {
    for (const id of ['first-try', 'second-try']) {
      const refused = await server().call('PUT', `/_inference/text_embedding/${id}`, { service: 'elasticsearch', service_settings: WHOLE_ENGINE });
      expect(refused.status).toBe(400);
      expect(refused.json.error.reason).toBe('Could not complete inference endpoint creation as validation call to service threw an exception.');
      const stats = await server().call('GET', `/_ml/trained_models/${id}/_stats`);
      expect(stats.status).toBe(404);
    }
  }, 60_000);
});

/** PUTs interleaved as concurrent requests interleave them, by calling the provider as server/api/put-endpoint.ts
 * does: prepareEndpoint, then endpointAbandoned (failure) or endpointCreated (stored). */
describe('interleaved PUTs', () => {
  let provider: InferenceProvider;
  beforeAll(() => {
    const config = loadConfig({}, localModelsConfig(modelsRoot, { maxLocalThreads: 2 }));
    provider = createProvider({ config, logger: createLogger('error'), http: undefined as unknown as ProviderDependencies['http'] });
  });
  afterAll(() => provider.close?.());

  const endpoint = (inferenceId: string, taskType: TaskType, serviceSettings: object): StoredEndpoint => ({
    inferenceId,
    taskType,
    service: 'elasticsearch',
    serviceSettings: { ...serviceSettings },
    taskSettings: {},
    secrets: {},
    internal: {},
  });
  const prepare = async (target: StoredEndpoint) => {
    target.serviceSettings = await provider.prepareEndpoint!(callContext(target, {}, timeValueFromMs(30_000)), { start: true });
  };
  const deployments = () => provider.trainedModels!.stats().flatMap((entry) => (entry.deployment_stats ? [entry.deployment_stats.deployment_id] : []));

  test("a failing PUT that joined another unfinished PUT's deployment does not stop it; the PUT that started it does", async () => {
    const starter = endpoint('starter', 'text_embedding', WHOLE_ENGINE);
    await prepare(starter);
    const joiner = endpoint('joiner', 'sparse_embedding', { deployment_id: 'starter' });
    await expect(prepare(joiner)).rejects.toThrow('does not match the requested task type [sparse_embedding]');

    await provider.endpointAbandoned!(joiner, []);
    expect(deployments()).toEqual(['starter']);

    await provider.endpointAbandoned!(starter, []);
    expect(deployments()).toEqual([]);
    const whole = endpoint('whole', 'text_embedding', WHOLE_ENGINE);
    await prepare(whole);
    await provider.endpointCreated!(whole);
    expect(deployments()).toEqual(['whole']);
    await provider.endpointRemoved!(whole, []);
  }, 60_000);

  test('a failing PUT of an id another PUT of the same id is deploying leaves that deployment to the PUT that stores it', async () => {
    const first = endpoint('twin', 'text_embedding', { model_id: BERT, num_threads: 1, num_allocations: 1 });
    const second = endpoint('twin', 'sparse_embedding', { model_id: BERT, num_threads: 1, num_allocations: 1 });
    const [stored, refused] = await Promise.allSettled([prepare(first), prepare(second)]);
    expect(stored.status).toBe('fulfilled');
    expect(refused.status).toBe('rejected');
    await provider.endpointAbandoned!(second, []);
    expect(deployments()).toEqual(['twin']);
    await provider.endpointCreated!(first);
    // A DELETE of the stored endpoint stops it as usual.
    await provider.endpointRemoved!(first, []);
    expect(deployments()).toEqual([]);
  }, 60_000);
});
