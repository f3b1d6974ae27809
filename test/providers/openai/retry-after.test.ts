/** A provider's Retry-After is waited out in full, beyond the longest back-off, when it fits in the retry window and
 * the call's deadline; otherwise the provider's 429 is answered at once rather than retried too early. */
import { retryAfterMs } from '../../../server/providers/kit/retry-after';
import { type MockOpenAi } from './mock-openai';
import { type TestServer } from '../../support/server';
import { newId } from '../../support/service-setup';
import { openAiSuite } from './openai-setup';

const { openai, createEmbedding, embed } = openAiSuite();
let server: TestServer;
let mock: MockOpenAi;
beforeAll(() => ({ server, mock } = openai));

test('Retry-After: 1 is waited out although the longest back-off is 40 ms', async () => {
  const id = newId('retry-after-1');
  await createEmbedding(id, { dimensions: 4 });
  mock.reset();
  mock.enqueueFault('embeddings', { kind: 'status', status: 429, headers: { 'retry-after': '1' } });
  const result = await embed(id, ['wait for me']);
  expect(result.status).toBe(200);
  const [first, second] = mock.requestsTo('embeddings');
  expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(950);
});

test('a Retry-After beyond the retry window fails at once with the provider 429', async () => {
  const id = newId('retry-after-60');
  await createEmbedding(id, { dimensions: 4 });
  mock.reset();
  mock.enqueueFault('embeddings', { kind: 'status', status: 429, headers: { 'retry-after': '60' } });
  const started = Date.now();
  const result = await embed(id, ['too long to wait']);
  expect(result.status).toBe(429);
  expect(result.json.error.reason).toContain(`for request from inference entity id [${id}] status [429]`);
  expect(mock.requestsTo('embeddings')).toHaveLength(1);
  expect(Date.now() - started).toBeLessThan(10_000);
});

test('a Retry-After beyond the call timeout fails at once', async () => {
  const id = newId('retry-after-timeout');
  await createEmbedding(id, { dimensions: 4 });
  mock.reset();
  mock.enqueueFault('embeddings', { kind: 'status', status: 429, headers: { 'retry-after': '1' } });
  const result = await server.call('POST', `/_inference/text_embedding/${id}?timeout=500ms`, { input: ['x'] });
  expect(result.status).toBe(429);
  expect(mock.requestsTo('embeddings')).toHaveLength(1);
});

describe('reading Retry-After', () => {
  const now = Date.parse('2026-12-02T10:00:00Z');
  test.each<[string | undefined, number]>([
    ['3', 3000],
    [' 0 ', 0],
    ['Wed, 02 Dec 2026 10:00:07 GMT', 7000],
    ['Wed, 02 Dec 2026 09:00:00 GMT', 0],
    ['soon', 0],
    ['-5', 0],
    [undefined, 0],
  ])('%p → %p ms', (header, expected) => {
    expect(retryAfterMs(header, now)).toBe(expected);
  });
});
