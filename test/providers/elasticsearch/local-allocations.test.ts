/**
 * Allocations of local deployments: `_update` changes them live, adaptive allocations scale up under sustained load
 * and down to zero when idle.
 */
import { type DeploymentStats } from '../../support/trained-models';
import { BERT, text, fixed, adaptive, putEndpoint, deploymentStats, waitFor, serversOnTestModels } from './deployment-helpers';

const serverFor = serversOnTestModels();

describe('deployments on a server with default settings', () => {
  const server = serverFor();

  describe('_update changes allocations live', () => {
    test('num_allocations 1 → 2 shows in the answer, in GET and in the stats; 2 → 1 stops one', async () => {
      await putEndpoint(server(), 'resized', fixed(BERT, 1));
      const updated = await server().call('PUT', '/_inference/resized/_update', { service_settings: { num_allocations: 2 } });
      expect(updated.status).toBe(200);
      expect(updated.json.service_settings.num_allocations).toBe(2);

      const got = await server().call('GET', '/_inference/text_embedding/resized');
      expect(got.json.endpoints[0].service_settings.num_allocations).toBe(2);

      const up = await waitFor(
        () => deploymentStats(server(), 'resized'),
        (stats) => stats?.allocation_status.allocation_count === 2,
      );
      expect(up!.allocation_status).toEqual({ allocation_count: 2, target_allocation_count: 2, state: 'fully_allocated' });
      expect(up!.nodes[0].number_of_allocations).toBe(2);

      const down = await server().call('PUT', '/_inference/text_embedding/resized/_update', { service_settings: { num_allocations: 1 } });
      expect(down.json.service_settings.num_allocations).toBe(1);
      const shrunk = await waitFor(
        () => deploymentStats(server(), 'resized'),
        (stats) => stats?.allocation_status.allocation_count === 1,
      );
      expect(shrunk!.allocation_status).toEqual({ allocation_count: 1, target_allocation_count: 1, state: 'fully_allocated' });

      const inference = await server().call('POST', '/_inference/resized', { input: ['still works'] });
      expect(inference.status).toBe(200);
    });

    test('allocations stopped while they still load the model do not bring the server down', async () => {
      await putEndpoint(server(), 'churn', fixed(BERT, 1));
      // Add allocations, then take them away again after a varying while, so that some are stopped in the middle of
      // loading the model (about 150-250 ms after they start here). Stopping a thread while onnxruntime's native
      // code runs in it aborts the whole process, so an allocation has to be let finish its step first.
      for (const loadingMs of [100, 140, 180, 220, 260, 300, 340]) {
        expect((await server().call('PUT', '/_inference/churn/_update', { service_settings: { num_allocations: 4 } })).status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, loadingMs));
        expect((await server().call('PUT', '/_inference/churn/_update', { service_settings: { num_allocations: 1 } })).status).toBe(200);
      }
      expect((await server().call('GET', '/')).status).toBe(200);
      const settled = await waitFor(
        () => deploymentStats(server(), 'churn'),
        (stats) => stats?.allocation_status.allocation_count === 1,
      );
      expect(settled!.allocation_status).toEqual({ allocation_count: 1, target_allocation_count: 1, state: 'fully_allocated' });
      expect((await server().call('POST', '/_inference/churn', { input: ['still here'] })).status).toBe(200);
      expect((await server().call('DELETE', '/_inference/churn')).status).toBe(200);
    });

    test('adaptive_allocations with min > max is refused with a validation_exception', async () => {
      const refused = await server().call('PUT', '/_inference/text_embedding/min-above-max', {
        service: 'elasticsearch',
        service_settings: adaptive(BERT, 3, 2),
      });
      expect(refused.status).toBe(400);
      expect(refused.json.error.type).toBe('validation_exception');
      expect(refused.json.error.reason).toBe(
        'Validation Failed: 1: [min_number_of_allocations] must not be larger than [max_number_of_allocations];',
      );
      expect((await server().call('GET', '/_inference/min-above-max')).status).toBe(404);
      expect(await deploymentStats(server(), 'min-above-max')).toBeUndefined();
    });
  });

});

// ---------------------------------------------------------------------------------------------------------------
// Adaptive allocations
// ---------------------------------------------------------------------------------------------------------------

describe('adaptive allocations scale up under sustained load', () => {
  const server = serverFor({ cpus: 4 });

  test('the backlog raises the allocations to the maximum (2), never beyond; GET shows the live number', async () => {
    const created = await putEndpoint(server(), 'adaptive', adaptive(BERT, 1, 2));
    expect(created.json.service_settings.num_allocations).toBe(1);
    const initial = await deploymentStats(server(), 'adaptive');
    expect(initial!.allocation_status).toEqual({ allocation_count: 1, target_allocation_count: 1, state: 'fully_allocated' });
    expect(initial!.adaptive_allocations).toEqual({ enabled: true, min_number_of_allocations: 1, max_number_of_allocations: 2 });

    // Eight clients that keep sending batches of medium inputs until the deployment has scaled.
    let loading = true;
    const statuses: number[] = [];
    const clients = Array.from({ length: 8 }, async (_, client) => {
      for (let round = 0; loading; round++) {
        const input = Array.from({ length: 8 }, (_, index) => text(client * 10_000 + round * 8 + index, 40));
        statuses.push((await server().call('POST', '/_inference/adaptive', { input })).status);
      }
    });
    const seen: DeploymentStats['allocation_status'][] = [];
    const watch = (stats: DeploymentStats | undefined) => {
      seen.push(stats!.allocation_status);
      return stats!;
    };
    try {
      const reached = await waitFor(
        async () => watch(await deploymentStats(server(), 'adaptive')),
        (stats) => stats.allocation_status.allocation_count === 2,
        20_000,
      );
      // Keep the load on for a while with both allocations busy: the backlog must not push past the maximum.
      await waitFor(
        async () => watch(await deploymentStats(server(), 'adaptive')),
        (stats) => stats.nodes[0].batch_count >= reached.nodes[0].batch_count + 30,
      );
    } finally {
      loading = false;
      await Promise.all(clients);
    }
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(Math.max(...seen.map((status) => status.target_allocation_count))).toBe(2);
    expect(Math.max(...seen.map((status) => status.allocation_count))).toBe(2);

    const scaled = await deploymentStats(server(), 'adaptive');
    expect(scaled!.allocation_status).toEqual({ allocation_count: 2, target_allocation_count: 2, state: 'fully_allocated' });
    expect(scaled!.number_of_allocations).toBe(2);
    const got = await server().call('GET', '/_inference/adaptive');
    expect(got.json.endpoints[0].service_settings).toMatchObject({
      num_allocations: 2,
      adaptive_allocations: { enabled: true, min_number_of_allocations: 1, max_number_of_allocations: 2 },
    });
  }, 40_000);
});

describe('adaptive allocations with a minimum of 0 scale to zero when idle', () => {
  const server = serverFor({ adaptiveScaleDownAfterMs: 200, adaptiveScaleToZeroAfterMs: 600 });

  test('idle → 0 allocations (fully_allocated); the next request starts one again', async () => {
    const created = await putEndpoint(server(), 'to-zero', adaptive(BERT, 0, 2));
    expect(created.json.service_settings.num_allocations).toBe(1);

    const zero = await waitFor(
      () => deploymentStats(server(), 'to-zero'),
      (stats) => stats?.allocation_status.allocation_count === 0,
    );
    expect(zero!.state).toBe('started');
    expect(zero!.allocation_status).toEqual({ allocation_count: 0, target_allocation_count: 0, state: 'fully_allocated' });
    expect(zero!.nodes[0].number_of_allocations).toBe(0);
    const idle = await server().call('GET', '/_inference/to-zero');
    expect(idle.status).toBe(200);
    expect(idle.json.endpoints[0].service_settings.num_allocations).toBe(0);

    const woken = await server().call('POST', '/_inference/to-zero', { input: ['wake up'] });
    expect(woken.status).toBe(200);
    expect(woken.json.text_embedding[0].embedding).toHaveLength(128);
    const back = await deploymentStats(server(), 'to-zero');
    expect(back!.allocation_status).toEqual({ allocation_count: 1, target_allocation_count: 1, state: 'fully_allocated' });
  });
});
