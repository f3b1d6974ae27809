/** The coalescer's timing rules, seen directly (the loopback tests in coalescing.test.ts see the rest): no wait at
 * concurrency 1, a wait of at most the window (not of the request in flight), a full batch at once. */
import type { CallContext } from '../../../server/inference/call-context';
import { Deadline } from '../../../server/inference/deadline';
import { Coalescer, COALESCING_WINDOW_MS, type BatchedCall } from '../../../server/providers/kit/coalescer';
import type { StoredEndpoint } from '../../../server/store/endpoint-store';

const endpoint: StoredEndpoint = {
  inferenceId: 'unit',
  taskType: 'text_embedding',
  service: 'openai',
  serviceSettings: { model_id: 'm' },
  taskSettings: {},
  secrets: { api_key: 'k' },
  internal: {},
};

const contextOf = (timeoutMs = 30_000): CallContext => ({ endpoint, taskSettings: {}, deadline: new Deadline({ ms: timeoutMs, label: `${timeoutMs}ms` }) });

/** An upstream whose requests are answered when the test says so: each answer is the batch upper-cased. */
function upstream() {
  const requests: Array<{ batch: string[]; answer(): void; at: number }> = [];
  const send = (_context: CallContext, batch: string[]) =>
    new Promise<string[]>((resolve) => requests.push({ batch, answer: () => resolve(batch.map((text) => text.toUpperCase())), at: performance.now() }));
  const call = (items: string[], size = 100, context = contextOf()): BatchedCall<string, string> => ({ context, items, size, kind: 'unit', send });
  return { requests, call };
}

async function until(condition: () => boolean): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > 5000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

test('with nothing in flight a batch is sent at once, in the same tick', async () => {
  const coalescer = new Coalescer({ enabled: true });
  const { requests, call } = upstream();
  const answer = coalescer.submit(call(['a']), ['a']);
  expect(requests.map((request) => request.batch)).toEqual([['a']]);
  requests[0].answer();
  expect(await answer).toEqual(['A']);
  expect(coalescer.activeLanes).toBe(0);
});

test('while one is in flight, batches wait the window and no longer (not for the request in flight)', async () => {
  const coalescer = new Coalescer({ enabled: true });
  const { requests, call } = upstream();
  const first = coalescer.submit(call(['first']), ['first']);
  const joined = performance.now();
  const second = coalescer.submit(call(['b']), ['b']);
  const third = coalescer.submit(call(['c']), ['c']);
  expect(requests).toHaveLength(1);
  await until(() => requests.length === 2);
  expect(requests[1].batch).toEqual(['b', 'c']);
  expect(requests[1].at - joined).toBeGreaterThanOrEqual(COALESCING_WINDOW_MS - 1);
  // The first request is still unanswered: the window, not its answer, sent the second.
  for (const request of requests) request.answer();
  expect(await Promise.all([first, second, third])).toEqual([['FIRST'], ['B'], ['C']]);
  expect(coalescer.activeLanes).toBe(0);
});

test('a batch that reaches the size goes at once, and a caller whose deadline ends within the window goes alone', async () => {
  const coalescer = new Coalescer({ enabled: true, windowMs: 10_000 });
  const { requests, call } = upstream();
  const answers = ['w', 'x', 'y', 'z'].map((text) => coalescer.submit(call([text], 3), [text]));
  expect(requests.map((request) => request.batch)).toEqual([['w'], ['x', 'y', 'z']]);
  const alone = coalescer.submit(call(['alone'], 3, contextOf(10)), ['alone']);
  expect(requests.map((request) => request.batch)).toEqual([['w'], ['x', 'y', 'z'], ['alone']]);
  for (const request of requests) request.answer();
  expect(await Promise.all([...answers, alone])).toEqual([['W'], ['X'], ['Y'], ['Z'], ['ALONE']]);
  expect(coalescer.activeLanes).toBe(0);
});

test('turned off, every batch is sent on its own', async () => {
  const coalescer = new Coalescer({ enabled: false });
  const { requests, call } = upstream();
  const answers = ['a', 'b', 'c'].map((text) => coalescer.submit(call([text]), [text]));
  expect(requests.map((request) => request.batch)).toEqual([['a'], ['b'], ['c']]);
  for (const request of requests) request.answer();
  expect(await Promise.all(answers)).toEqual([['A'], ['B'], ['C']]);
});
