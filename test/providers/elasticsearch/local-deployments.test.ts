/**
 * Deployments of the local engine through HTTP: starting and reporting them (`_ml/trained_models/_stats`),
 * batching under concurrent load, adaptive allocations, back-pressure and timeouts, a free event loop while a
 * model runs, live allocation updates, DELETE and restart. The load runs on `synthetic-bert-l4-h128`, whose random
 * weights make it compute-bound like a real small model (its vectors mean nothing; only equality is checked).
 */
import type { Config } from '../../../server/config';
import { buildTestModels, localServerFor } from '../../support/local-models';
import { type DeploymentStats } from '../../support/trained-models';
import type { TestResponse, TestServer } from '../../support/server';

const BERT = 'synthetic-bert-l4-h128';
const GLOVE = 'glove-twitter-25d-sif';

let modelsRoot: string;
beforeAll(() => {
  modelsRoot = buildTestModels();
});

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

/** A server for one describe block, stopped (with its deployments) after it. */
const serverFor = (overrides: Partial<Config> = {}) => localServerFor(() => modelsRoot, overrides);

const WORDS = (
  'river mountain coffee planet window garden silver engine forest candle market doctor bridge winter ocean ' +
  'pencil thunder castle rocket violin desert island camera lemon tiger orange yellow purple school summer'
).split(' ');

/** A deterministic text of `count` words (one token each), different for every seed. */
function text(seed: number, count: number): string {
  let state = seed * 2654435761 + 12345;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return WORDS[state % WORDS.length];
  }).join(' ');
}

const fixed = (model_id: string, num_allocations = 1) => ({ model_id, num_threads: 1, num_allocations });
const adaptive = (model_id: string, min: number, max: number) => ({
  model_id,
  num_threads: 1,
  adaptive_allocations: { enabled: true, min_number_of_allocations: min, max_number_of_allocations: max },
});

async function putEndpoint(server: TestServer, id: string, serviceSettings: object): Promise<TestResponse> {
  const response = await server.call('PUT', `/_inference/text_embedding/${id}`, { service: 'elasticsearch', service_settings: serviceSettings });
  expect(response.status).toBe(200);
  return response;
}

type NodeStats = DeploymentStats['nodes'][number];

/** The deployment's stats entry (by deployment id), or undefined when no deployment has that id. */
async function deploymentStats(server: TestServer, deploymentId: string): Promise<DeploymentStats | undefined> {
  const response = await server.call('GET', `/_ml/trained_models/${deploymentId}/_stats`);
  if (response.status === 404) return undefined;
  expect(response.status).toBe(200);
  const entries = response.json.trained_model_stats as { deployment_stats?: DeploymentStats }[];
  return entries.find((entry) => entry.deployment_stats?.deployment_id === deploymentId)?.deployment_stats;
}

async function nodeStats(server: TestServer, deploymentId: string): Promise<NodeStats> {
  const stats = await deploymentStats(server, deploymentId);
  expect(stats).toBeDefined();
  return stats!.nodes[0];
}

/** Polls `probe` until `done` holds of its value; fails with the last value seen once `timeoutMs` have passed. */
async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const embeddingsOf = (response: TestResponse): number[][] =>
  response.json.text_embedding.map((entry: { embedding: number[] }) => entry.embedding);

/** Tracks whether a request has answered, so that tests can assert the order in which requests finish. */
function tracked(call: Promise<TestResponse>): { done: () => boolean; response: Promise<TestResponse> } {
  let settled = false;
  const response = call.finally(() => {
    settled = true;
  });
  return { done: () => settled, response };
}

// ---------------------------------------------------------------------------------------------------------------
// One server with default settings: starting, stats, batching, a free event loop, _update, DELETE
// ---------------------------------------------------------------------------------------------------------------

describe('deployments on a server with default settings', () => {
  const server = serverFor();

  describe('PUT starts the deployment; _ml/trained_models/_stats reports it', () => {
    test('PUT with num_allocations 1 answers once the deployment has started', async () => {
      const created = await putEndpoint(server(), 'fixed-one', fixed(BERT));
      expect(created.json.service_settings.num_allocations).toBe(1);

      // No polling: the PUT returned, so the deployment must already be fully up.
      const stats = await deploymentStats(server(), 'fixed-one');
      expect(stats).toMatchObject({
        deployment_id: 'fixed-one',
        model_id: BERT,
        state: 'started',
        number_of_allocations: 1,
        allocation_status: { allocation_count: 1, target_allocation_count: 1, state: 'fully_allocated' },
      });
      expect(stats!.nodes).toHaveLength(1);
      expect(stats!.nodes[0].number_of_allocations).toBe(1);

      const got = await server().call('GET', '/_inference/fixed-one');
      expect(got.status).toBe(200);
      expect(got.json.endpoints[0].service_settings).toMatchObject({ num_allocations: 1, num_threads: 1, model_id: BERT });
    });

    test('the stats find the deployment by model id and by deployment id (the inference id)', async () => {
      const byModel = await server().call('GET', `/_ml/trained_models/${BERT}/_stats`);
      expect(byModel.status).toBe(200);
      expect(byModel.json.count).toBe(byModel.json.trained_model_stats.length);
      expect(byModel.json.trained_model_stats.every((entry: { model_id: string }) => entry.model_id === BERT)).toBe(true);
      expect(byModel.json.trained_model_stats.map((entry: { deployment_stats?: DeploymentStats }) => entry.deployment_stats?.deployment_id)).toContain(
        'fixed-one',
      );

      const byDeployment = await server().call('GET', '/_ml/trained_models/fixed-one/_stats');
      expect(byDeployment.status).toBe(200);
      expect(byDeployment.json.count).toBe(1);
      expect(byDeployment.json.trained_model_stats).toHaveLength(1);
      expect(byDeployment.json.trained_model_stats[0]).toMatchObject({
        model_id: BERT,
        pipeline_count: 0,
        deployment_stats: { deployment_id: 'fixed-one', model_id: BERT },
      });

      const byPattern = await server().call('GET', '/_ml/trained_models/fixed-o*/_stats');
      expect(byPattern.json.count).toBe(1);
      expect(byPattern.json.trained_model_stats[0].deployment_stats.deployment_id).toBe('fixed-one');
    });

    test('_all, * and the path without an id list every model, with a count that matches', async () => {
      const listings = await Promise.all(
        ['/_ml/trained_models/_stats', '/_ml/trained_models/_all/_stats', '/_ml/trained_models/*/_stats'].map((path) => server().call('GET', path)),
      );
      const ids = (response: TestResponse) =>
        response.json.trained_model_stats.map((entry: { model_id: string; deployment_stats?: DeploymentStats }) =>
          entry.deployment_stats ? `${entry.model_id}/${entry.deployment_stats.deployment_id}` : entry.model_id,
        );
      for (const listing of listings) {
        expect(listing.status).toBe(200);
        expect(listing.json.count).toBe(listing.json.trained_model_stats.length);
        expect(ids(listing)).toContain(`${BERT}/fixed-one`);
        // Installed models that no deployment runs are listed too, without deployment_stats.
        expect(listing.json.trained_model_stats).toContainEqual({ model_id: GLOVE, pipeline_count: 0 });
        expect(ids(listing)).toEqual(ids(listings[0]));
      }
      // count is the number of matches, before size cuts the list.
      const page = await server().call('GET', '/_ml/trained_models/_all/_stats?size=1');
      expect(page.json.count).toBe(listings[0].json.count);
      expect(page.json.trained_model_stats).toHaveLength(1);
    });

    test('an unknown id is 404; a wildcard that matches nothing is an empty answer unless allow_no_match=false', async () => {
      const unknown = await server().call('GET', '/_ml/trained_models/no-such-model/_stats');
      expect(unknown.status).toBe(404);
      expect(unknown.json.error.type).toBe('resource_not_found_exception');
      expect(unknown.json.error.reason).toBe('No known trained model with model_id [no-such-model]');

      const none = await server().call('GET', '/_ml/trained_models/no-such-*/_stats');
      expect(none.status).toBe(200);
      expect(none.json).toEqual({ count: 0, trained_model_stats: [] });

      const strict = await server().call('GET', '/_ml/trained_models/no-such-*/_stats?allow_no_match=false');
      expect(strict.status).toBe(404);
      expect(strict.json.error.type).toBe('resource_not_found_exception');
      expect(strict.json.error.reason).toBe('No known trained model with model_id [no-such-*]');
    });
  });

  describe('batching under concurrent load (one allocation)', () => {
    test('concurrent requests share batches, and each caller gets the embedding of its own text', async () => {
      await putEndpoint(server(), 'batched', fixed(BERT));
      const before = await nodeStats(server(), 'batched');

      // 64 different texts of the same length: they batch together, and any mix-up between callers would show.
      const texts = Array.from({ length: 64 }, (_, index) => text(index, 24));
      const together = await Promise.all(texts.map((input) => server().call('POST', '/_inference/text_embedding/batched', { input })));
      expect(together.map((response) => response.status)).toEqual(texts.map(() => 200));

      const after = await nodeStats(server(), 'batched');
      const inputs = after.inference_count - before.inference_count;
      const batches = after.batch_count - before.batch_count;
      expect(inputs).toBe(64);
      expect(batches).toBeLessThan(inputs);
      expect(after.max_batch_size).toBeGreaterThan(1);
      expect(after.average_batch_size).toBeGreaterThan(1);

      // The same texts one at a time (each alone in its batch): identical vectors, text for text.
      for (const [index, input] of texts.entries()) {
        const alone = await server().call('POST', '/_inference/text_embedding/batched', { input });
        expect(embeddingsOf(together[index])).toEqual(embeddingsOf(alone));
      }
      // The texts really do embed differently, so the comparison above would catch a swap.
      expect(embeddingsOf(together[0])).not.toEqual(embeddingsOf(together[1]));
    });

    test('short and long inputs mixed in concurrent requests stay in separate batches (padding stays small)', async () => {
      await putEndpoint(server(), 'padding', fixed(BERT));
      // Each request holds one long input (~200 tokens) and six very short ones. A batch is padded to its longest
      // input, so a short input batched beside a long one costs as much as the long one: first-come batches of
      // these would be mostly padding (ratio around 5). The queue instead fills a batch with inputs of a length
      // close to its oldest input's, so long inputs run with long ones and short with short: the ratio stays
      // near 1.
      const requests = Array.from({ length: 16 }, (_, request) => [
        text(1000 + request, 200),
        ...Array.from({ length: 6 }, (_, short) => text(2000 + request * 6 + short, 1 + (short % 3))),
      ]);
      const responses = await Promise.all(requests.map((input) => server().call('POST', '/_inference/padding', { input })));
      for (const [index, response] of responses.entries()) {
        expect(response.status).toBe(200);
        expect(response.json.text_embedding).toHaveLength(requests[index].length);
      }
      const stats = await nodeStats(server(), 'padding');
      expect(stats.inference_count).toBe(1 + 16 * 7); // with PUT's validation call
      expect(stats.batch_count).toBeLessThan(stats.inference_count);
      expect(stats.max_batch_size).toBeGreaterThan(1);
      expect(stats.padding_ratio).toBeGreaterThanOrEqual(1);
      expect(stats.padding_ratio).toBeLessThan(2);
    });
  });

  describe('model inference runs off the event loop', () => {
    test('while a long batch runs, GET /_inference and GET / answer before it does', async () => {
      await putEndpoint(server(), 'long-batch', fixed(BERT));
      const before = await nodeStats(server(), 'long-batch');
      // 64 inputs of 512 tokens (the model window): two batches of 32, each over a second of model time.
      const input = Array.from({ length: 64 }, (_, index) => text(3000 + index, 600));
      const inference = tracked(server().call('POST', '/_inference/long-batch', { input }));

      // Wait until the request's last batch runs: a first batch is done and nothing waits in the queue. Were the
      // model run on the event loop, the server could only answer between batches, so the GETs below would wait
      // for that last batch and hence for the POST's answer.
      await waitFor(
        async () => ({ stats: await nodeStats(server(), 'long-batch'), done: inference.done() }),
        ({ stats, done }) => done || (stats.inference_count > before.inference_count && stats.number_of_pending_requests === 0),
        30_000,
      );
      const endpoints = tracked(server().call('GET', '/_inference'));
      const root = tracked(server().call('GET', '/'));
      expect((await endpoints.response).status).toBe(200);
      expect((await root.response).status).toBe(200);
      expect(inference.done()).toBe(false);

      const answered = await inference.response;
      expect(answered.status).toBe(200);
      expect(answered.json.text_embedding).toHaveLength(64);
    }, 60_000);
  });

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

  describe('DELETE', () => {
    test('deleting the endpoint stops its deployment: the model is listed again without deployment_stats', async () => {
      await putEndpoint(server(), 'glove-deployment', fixed(GLOVE));
      const running = await server().call('GET', `/_ml/trained_models/${GLOVE}/_stats`);
      expect(running.json.trained_model_stats).toEqual([
        expect.objectContaining({ model_id: GLOVE, deployment_stats: expect.objectContaining({ deployment_id: 'glove-deployment', state: 'started' }) }),
      ]);

      const deleted = await server().call('DELETE', '/_inference/glove-deployment');
      expect(deleted.status).toBe(200);
      expect(deleted.json.acknowledged).toBe(true);

      const gone = await server().call('GET', '/_ml/trained_models/glove-deployment/_stats');
      expect(gone.status).toBe(404);
      const idle = await server().call('GET', `/_ml/trained_models/${GLOVE}/_stats`);
      expect(idle.status).toBe(200);
      expect(idle.json).toEqual({ count: 1, trained_model_stats: [{ model_id: GLOVE, pipeline_count: 0 }] });
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

// ---------------------------------------------------------------------------------------------------------------
// Back-pressure and timeouts
// ---------------------------------------------------------------------------------------------------------------

describe('back-pressure: a bounded queue', () => {
  const server = serverFor({ queueCapacity: 16, maxBatchSize: 4 });

  beforeAll(async () => {
    await putEndpoint(server(), 'bounded', fixed(BERT));
  });

  test('a flood beyond the queue capacity gets 429 status_exception "queue is full"; the rest succeed', async () => {
    const requests = Array.from({ length: 30 }, (_, request) => Array.from({ length: 4 }, (_, index) => text(4000 + request * 4 + index, 300)));
    const responses = await Promise.all(requests.map((input) => server().call('POST', '/_inference/bounded', { input })));
    const rejected = responses.filter((response) => response.status === 429);
    const succeeded = responses.filter((response) => response.status === 200);
    expect(rejected.length).toBeGreaterThan(0);
    expect(succeeded.length).toBeGreaterThan(0);
    expect(rejected.length + succeeded.length).toBe(requests.length);
    for (const response of rejected) {
      expect(response.json.error.type).toBe('status_exception');
      expect(response.json.error.reason).toContain('queue is full');
      expect(response.json.status).toBe(429);
    }
    for (const response of succeeded) expect(response.json.text_embedding).toHaveLength(4);

    const stats = await nodeStats(server(), 'bounded');
    expect(stats.rejected_execution_count).toBe(rejected.length);
    expect(stats.max_batch_size).toBeLessThanOrEqual(4);
  }, 60_000);

  test('a request whose timeout expires while it waits behind a backlog gets 408 and counts as a timeout', async () => {
    const before = await nodeStats(server(), 'bounded');
    // 16 inputs of 512 tokens (the model window) in batches of 4: a backlog of several batches.
    const backlog = Array.from({ length: 4 }, (_, request) =>
      server().call('POST', '/_inference/bounded', { input: Array.from({ length: 4 }, (_, index) => text(5000 + request * 4 + index, 600)) }),
    );
    await waitFor(
      () => nodeStats(server(), 'bounded'),
      (stats) => stats.number_of_pending_requests >= 8,
    );
    const late = await server().call('POST', '/_inference/bounded?timeout=100ms', { input: ['behind the backlog'] });
    expect(late.status).toBe(408);
    expect(late.json.error.type).toBe('status_exception');
    expect(late.json.error.reason).toBe('Request timed out after [100ms]');

    const answered = await Promise.all(backlog);
    expect(answered.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    const after = await nodeStats(server(), 'bounded');
    expect(after.timeout_count - before.timeout_count).toBeGreaterThanOrEqual(1);
    // The timed-out input was dropped from the queue, not run.
    expect(after.inference_count - before.inference_count).toBe(16);
    expect(after.number_of_pending_requests).toBe(0);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------------------------
// Restart
// ---------------------------------------------------------------------------------------------------------------

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
