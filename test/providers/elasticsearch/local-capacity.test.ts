/**
 * What the local engine refuses before it starts anything: deployments the machine cannot hold (threads, memory)
 * and requests the queue could never take; and adaptive scale-to-zero that cannot race a model still loading.
 */
import type { Config } from '../../../server/config';
import { buildTestModels, localServerFor } from '../../support/local-models';
import type { TestServer } from '../../support/server';

const BERT = 'synthetic-bert-l4-h128';

let modelsRoot: string;
beforeAll(() => {
  modelsRoot = buildTestModels();
});

/** A server for one describe block, stopped (with its deployments) after it. */
const serverFor = (overrides: Partial<Config> = {}) => localServerFor(() => modelsRoot, overrides);

const put = (server: TestServer, id: string, serviceSettings: object) =>
  server.call('PUT', `/_inference/text_embedding/${id}`, { service: 'elasticsearch', service_settings: serviceSettings });

describe('allocations are capped by the machine', () => {
  const server = serverFor({ maxLocalThreads: 4 });

  test('num_allocations: 1000 is refused with 400 before a thread starts, naming the limit', async () => {
    const response = await put(server(), 'greedy', { model_id: BERT, num_threads: 1, num_allocations: 1000 });
    expect(response.status).toBe(400);
    expect(response.json.error.type).toBe('status_exception');
    expect(response.json.error.reason).toBe(
      'Could not start deployment [greedy] because there are not enough resources to provide all requested allocations: ' +
        "[1000] allocations of [1] threads need [1000] threads, [4] of the local engine's [4] are free (INFERGATE_MAX_LOCAL_THREADS)",
    );
    expect((await server().call('GET', '/_inference/greedy')).status).toBe(404);
    const stats = await server().call('GET', '/_ml/trained_models/greedy/_stats');
    expect(stats.status).toBe(404);
  });

  test('the limit counts every deployment; _update beyond it is refused and the deployment keeps running', async () => {
    expect((await put(server(), 'first', { model_id: BERT, num_threads: 2, num_allocations: 1 })).status).toBe(200);
    const second = await put(server(), 'second', { model_id: BERT, num_threads: 1, num_allocations: 3 });
    expect(second.status).toBe(400);
    expect(second.json.error.reason).toContain("[3] allocations of [1] threads need [3] threads, [2] of the local engine's [4] are free");
    expect((await put(server(), 'second', { model_id: BERT, num_threads: 1, num_allocations: 2 })).status).toBe(200);

    const grown = await server().call('PUT', '/_inference/second/_update', { service_settings: { num_allocations: 3 } });
    expect(grown.status).toBe(400);
    expect(grown.json.error.reason).toContain('not enough resources');
    const still = await server().call('POST', '/_inference/second', { input: ['still here'] });
    expect(still.status).toBe(200);

    // Deleting a deployment frees what it held.
    expect((await server().call('DELETE', '/_inference/first')).status).toBe(200);
    const regrown = await server().call('PUT', '/_inference/second/_update', { service_settings: { num_allocations: 4 } });
    expect(regrown.status).toBe(200);
  }, 60_000);
});

describe('local memory is bounded', () => {
  const server = serverFor({ maxLocalMemoryBytes: 1024 });

  test("a deployment whose model sessions would pass INFERGATE_MAX_LOCAL_MEMORY is refused with 400", async () => {
    const response = await put(server(), 'heavy', { model_id: BERT, num_threads: 1, num_allocations: 1 });
    expect(response.status).toBe(400);
    expect(response.json.error.reason).toMatch(/allocations need about \[\d+mb\], \[1mb\] of the local engine's \[1mb\] are free \(INFERGATE_MAX_LOCAL_MEMORY\)$/);
  });
});

describe('a request larger than the whole queue', () => {
  const server = serverFor({ queueCapacity: 8 });

  test('answers 400 naming the limit instead of a 429 no retry could ever pass', async () => {
    expect((await put(server(), 'small-queue', { model_id: BERT, num_threads: 1, num_allocations: 1 })).status).toBe(200);
    const response = await server().call('POST', '/_inference/small-queue', { input: Array.from({ length: 9 }, (_, i) => `text ${i}`) });
    expect(response.status).toBe(400);
    expect(response.json.error.reason).toBe(
      '[small-queue] the request has [9] inputs, more than the inference process queue holds [8]; send at most [8] inputs per request',
    );
    const fits = await server().call('POST', '/_inference/small-queue', { input: Array.from({ length: 8 }, (_, i) => `text ${i}`) });
    expect(fits.status).toBe(200);
  }, 60_000);
});

describe('scale to zero cannot stop a model still loading', () => {
  // Idle limits shorter than any model load: before the fix the loading allocation was stopped and PUT answered 400
  // ("the inference process exited with code [0]") — what a loaded CI machine did with the 600 ms of the other test.
  const server = serverFor({ adaptiveScaleDownAfterMs: 1, adaptiveScaleToZeroAfterMs: 1 });

  test('PUT and the next inference succeed however short the idle limit', async () => {
    const adaptive = { enabled: true, min_number_of_allocations: 0, max_number_of_allocations: 2 };
    const created = await put(server(), 'eager-zero', { model_id: BERT, num_threads: 1, adaptive_allocations: adaptive });
    expect(created.status).toBe(200);
    const woken = await server().call('POST', '/_inference/eager-zero', { input: ['wake up'] });
    expect(woken.status).toBe(200);
    expect(woken.json.text_embedding[0].embedding).toHaveLength(128);
  }, 60_000);
});
