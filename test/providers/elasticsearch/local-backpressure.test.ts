/**
 * Back-pressure in the local engine: a bounded queue answers 429 beyond its capacity, and a request whose timeout
 * expires while it waits gets 408.
 */
import { BERT, text, fixed, putEndpoint, nodeStats, waitFor, serversOnTestModels } from './deployment-helpers';

const serverFor = serversOnTestModels();

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
