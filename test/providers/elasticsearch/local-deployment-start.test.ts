/**
 * When local deployments start without a PUT starting them: again by themselves after a restart, and on the first
 * call when validation (and so the start) was skipped.
 */
import { GLOVE, fixed, putEndpoint, deploymentStats, waitFor, embeddingsOf, serversOnTestModels } from './deployment-helpers';

const serverFor = serversOnTestModels();

describe('restart', () => {
  const server = serverFor();

  test('stored endpoints survive a restart and a fixed-allocation deployment is started again', async () => {
    await putEndpoint(server(), 'persisted', fixed(GLOVE));
    const before = await server().call('POST', '/_inference/persisted', { input: ['A man is eating food.'] });
    expect(before.status).toBe(200);

    await server().restart();

    const got = await server().call('GET', '/_inference/persisted');
    expect(got.status).toBe(200);
    expect(got.json.endpoints[0].service_settings).toMatchObject({ num_allocations: 1, model_id: GLOVE });
    // The deployment comes back by itself, without a request to the endpoint.
    const restarted = await waitFor(
      () => deploymentStats(server(), 'persisted'),
      (stats) => stats?.state === 'started',
    );
    expect(restarted!.allocation_status).toEqual({ allocation_count: 1, target_allocation_count: 1, state: 'fully_allocated' });
    expect(restarted!.nodes[0].inference_count).toBe(0);

    const after = await server().call('POST', '/_inference/persisted', { input: ['A man is eating food.'] });
    expect(after.status).toBe(200);
    expect(embeddingsOf(after)).toEqual(embeddingsOf(before));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// INFERGATE_SKIP_VALIDATION (Elasticsearch's skip_validate_and_start)
// ---------------------------------------------------------------------------------------------------------------

describe('with validation skipped, PUT starts no deployment', () => {
  const server = serverFor({ skipValidation: true });

  test('the model must exist; its deployment starts on the first call; what only a loaded model tells stays unknown', async () => {
    const missing = await server().call('PUT', '/_inference/text_embedding/lazy-missing', { service: 'elasticsearch', service_settings: fixed('no-such-model') });
    expect(missing.status).toBe(400);
    expect(missing.json.error.reason).toContain('model id does not match any models available on this platform. Was [no-such-model]');

    const put = await putEndpoint(server(), 'lazy', fixed(GLOVE));
    expect(put.json.service_settings).not.toHaveProperty('dimensions');
    expect(await deploymentStats(server(), 'lazy')).toBeUndefined();

    const first = await server().call('POST', '/_inference/lazy', { input: ['A man is eating food.'] });
    expect(first.status).toBe(200);
    expect((await deploymentStats(server(), 'lazy'))?.state).toBe('started');
  });

  test('an empty task_settings is accepted, as Elasticsearch accepts it; a key in it is an unknown setting', async () => {
    const empty = await server().call('PUT', '/_inference/sparse_embedding/lazy-elser', {
      service: 'elser',
      service_settings: { num_allocations: 1, num_threads: 1 },
      task_settings: {},
    });
    expect(empty.status).toBe(200);
    expect(empty.json).not.toHaveProperty('task_settings');
    const keyed = await server().call('PUT', '/_inference/text_embedding/lazy-keyed', {
      service: 'elasticsearch',
      service_settings: fixed(GLOVE),
      task_settings: { user: 'x' },
    });
    expect(keyed.status).toBe(400);
    expect(keyed.json.error.reason).toBe('Model configuration contains settings [{user=x}] unknown to the [elasticsearch] service');
  });
});
