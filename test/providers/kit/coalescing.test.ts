/** Cross-request batching (kit/coalescer.ts) seen from outside: concurrent single-input calls to a real server, its
 * upstream a loopback mock of the provider's wire. The window is long here (200 ms) so that the calls of a loaded
 * machine still arrive within one; the first call of each test is held upstream so that the others find it in flight. */
import { expectSimpleEsError } from '../../support/assertions';
import type { MockProvider } from '../../support/mock-provider/mock-server';
import { bodyOf, createEndpoint, newId, withMockedService, type ServiceUnderTest } from '../../support/service-setup';
import type { TestResponse } from '../../support/server';
import { DEFAULT_API_KEY, embeddingFor, startMockOpenAi, type MockOpenAi } from '../openai/mock-openai';
import { startMockVoyageAi, VOYAGE_API_KEY } from '../voyageai/mock-voyageai';

const WINDOW_MS = 200;
const DIMENSIONS = 8;

const openai = withMockedService('openai', () => startMockOpenAi({ defaultDimensions: DIMENSIONS }), { coalesceWindowMs: WINDOW_MS });
const uncoalesced = withMockedService('openai', () => startMockOpenAi({ defaultDimensions: DIMENSIONS }), { coalesceEmbeddings: false });
const voyage = withMockedService('voyageai', startMockVoyageAi, { coalesceWindowMs: WINDOW_MS });

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function openAiEndpoint(service: ServiceUnderTest<MockOpenAi>, extra: Record<string, unknown> = {}): Promise<string> {
  const id = newId('coalesced');
  await createEndpoint(service, 'text_embedding', id, {
    service: 'openai',
    service_settings: { api_key: DEFAULT_API_KEY, model_id: 'text-embedding-3-small', ...extra },
  });
  return id;
}

function embed(service: ServiceUnderTest<MockProvider>, id: string, body: Record<string, unknown>, query = '', signal?: AbortSignal): Promise<TestResponse> {
  if (!signal) return service.server.call('POST', `/_inference/text_embedding/${id}${query}`, body);
  return fetch(`${service.server.url}/_inference/text_embedding/${id}${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  }).then(async (response) => ({ status: response.status, headers: response.headers, text: '', json: await response.json() }));
}

/** Sends a first call that the mock holds for `ms`, and resolves once the mock has it (so it is in flight) with
 * the call's answer to come. */
async function holdFirst(service: ServiceUnderTest<MockProvider>, id: string, ms: number): Promise<{ answer: Promise<TestResponse> }> {
  service.mock.enqueueFault('embeddings', { kind: 'delay', ms });
  const answer = embed(service, id, { input: 'held first' });
  await until(() => service.mock.requestsTo('embeddings').length === 1, 'the first upstream request');
  return { answer };
}

const inputsOf = (mock: MockProvider) => mock.requestsTo('embeddings').map((request) => bodyOf(request).input as string[]);
const vectorOf = (response: TestResponse): number[] => response.json?.text_embedding?.[0]?.embedding;

describe('concurrent single-input calls of one endpoint', () => {
  test('share upstream requests, and each caller gets the vector of its own input', async () => {
    const id = await openAiEndpoint(openai);
    const { answer: first } = await holdFirst(openai, id, 300);
    const texts = Array.from({ length: 12 }, (_, i) => `text number ${i}`);
    const answers = await Promise.all(texts.map((input) => embed(openai, id, { input })));
    expect((await first).status).toBe(200);
    answers.forEach((answer, i) => {
      expect(answer.status).toBe(200);
      expect(answer.json.text_embedding).toHaveLength(1);
      expect(vectorOf(answer)).toEqual(embeddingFor(texts[i], DIMENSIONS));
    });
    const sent = inputsOf(openai.mock);
    expect(sent[0]).toEqual(['held first']);
    // Twelve callers, far fewer requests: every later one carried several of them, and each input went exactly once.
    expect(sent.length).toBeLessThanOrEqual(4);
    expect(sent.slice(1).flat().sort()).toEqual([...texts].sort());
    // Each caller's metrics count the upstream time of the request that served it.
    const metrics = (await openai.server.call('GET', '/metrics')).text;
    const upstreamTimed = metrics.split('\n').find((line) => line.startsWith('infergate_upstream_request_duration_seconds_count{') && line.includes(`inference_id="${id}"`));
    expect(Number(upstreamTimed?.split(' ').at(-1))).toBe(texts.length + 1);
  });

  test('a call alone (nothing in flight) goes at once, without waiting for the window', async () => {
    const id = await openAiEndpoint(openai);
    const durations: number[] = [];
    for (const input of ['alone 1', 'alone 2', 'alone 3']) {
      const started = performance.now();
      expect((await embed(openai, id, { input })).status).toBe(200);
      durations.push(performance.now() - started);
    }
    // Had each waited for the window, none would be quicker than it.
    expect(Math.min(...durations)).toBeLessThan(WINDOW_MS);
    expect(inputsOf(openai.mock)).toEqual([['alone 1'], ['alone 2'], ['alone 3']]);
  });

  test('an upstream error reaches every caller of the shared request, worded as it is for a call alone', async () => {
    const id = await openAiEndpoint(openai);
    const { answer: first } = await holdFirst(openai, id, 300);
    openai.mock.enqueueFault('embeddings', { kind: 'status', status: 400 });
    const answers = await Promise.all(['a', 'b', 'c'].map((input) => embed(openai, id, { input })));
    expect((await first).status).toBe(200);
    expect(inputsOf(openai.mock).slice(1)).toHaveLength(1);
    openai.mock.enqueueFault('embeddings', { kind: 'status', status: 400 });
    const alone = await embed(openai, id, { input: 'd' });
    expect(alone.status).toBe(400);
    for (const answer of answers) expect({ status: answer.status, body: answer.json }).toEqual({ status: alone.status, body: alone.json });
  });

  test("a caller's deadline is its own: it times out while the shared request goes on for the others", async () => {
    const id = await openAiEndpoint(openai);
    const { answer: first } = await holdFirst(openai, id, 100);
    openai.mock.enqueueFault('embeddings', { kind: 'delay', ms: 1500 });
    const started = performance.now();
    const patient = embed(openai, id, { input: 'patient' });
    const hurried = embed(openai, id, { input: 'hurried' }, '?timeout=600ms').then((answer) => ({ answer, ms: performance.now() - started }));
    const { answer: timedOut, ms } = await hurried;
    expectSimpleEsError(timedOut, 408, 'status_exception', 'Request timed out after [600ms]');
    expect(ms).toBeLessThan(1400);
    const answered = await patient;
    expect(answered.status).toBe(200);
    expect(vectorOf(answered)).toEqual(embeddingFor('patient', DIMENSIONS));
    expect((await first).status).toBe(200);
    expect(inputsOf(openai.mock).slice(1).map((inputs) => [...inputs].sort())).toEqual([['hurried', 'patient']]);
    expect(openai.mock.abortedRequests).toBe(0);
  });

  test('a call whose deadline ends within the window goes alone, at once', async () => {
    const id = await openAiEndpoint(openai);
    const { answer: first } = await holdFirst(openai, id, 400);
    const waiting = embed(openai, id, { input: 'waits for company' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const short = await embed(openai, id, { input: 'short deadline' }, `?timeout=${WINDOW_MS / 2}ms`);
    expect(short.status).toBe(200);
    expect(vectorOf(short)).toEqual(embeddingFor('short deadline', DIMENSIONS));
    expect((await waiting).status).toBe(200);
    expect((await first).status).toBe(200);
    expect(inputsOf(openai.mock)).toEqual([['held first'], ['short deadline'], ['waits for company']]);
  });

  test('a client that goes away leaves the shared request to the others; when all are gone it is cancelled', async () => {
    const id = await openAiEndpoint(openai);
    const { answer: first } = await holdFirst(openai, id, 100);
    openai.mock.enqueueFault('embeddings', { kind: 'delay', ms: 800 });
    const leaving = new AbortController();
    const staying = embed(openai, id, { input: 'stays' });
    const gone = embed(openai, id, { input: 'goes away' }, '', leaving.signal).catch((error: Error) => error.name);
    await until(() => openai.mock.requestsTo('embeddings').length === 2, 'the shared request');
    leaving.abort();
    expect(await gone).toBe('AbortError');
    const answered = await staying;
    expect(answered.status).toBe(200);
    expect(vectorOf(answered)).toEqual(embeddingFor('stays', DIMENSIONS));
    expect(openai.mock.abortedRequests).toBe(0);
    expect((await first).status).toBe(200);

    openai.mock.reset();
    const { answer: next } = await holdFirst(openai, id, 100);
    openai.mock.enqueueFault('embeddings', { kind: 'hang' });
    const controllers = [new AbortController(), new AbortController()];
    const all = controllers.map((controller, i) => embed(openai, id, { input: `leaves ${i}` }, '', controller.signal).catch((error: Error) => error.name));
    await until(() => openai.mock.requestsTo('embeddings').length === 2, 'the shared request');
    for (const controller of controllers) controller.abort();
    expect(await Promise.all(all)).toEqual(['AbortError', 'AbortError']);
    await openai.mock.waitForAbortedRequests(1);
    expect((await next).status).toBe(200);
  });

  test('calls with different task settings never share a request', async () => {
    const id = await openAiEndpoint(openai);
    const { answer: first } = await holdFirst(openai, id, 300);
    const calls = [
      { input: 'u1 first', task_settings: { user: 'u1' } },
      { input: 'u2 first', task_settings: { user: 'u2' } },
      { input: 'none first' },
      { input: 'u1 second', task_settings: { user: 'u1' } },
      { input: 'u2 second', task_settings: { user: 'u2' } },
      { input: 'none second' },
    ];
    const answers = await Promise.all(calls.map((body) => embed(openai, id, body)));
    answers.forEach((answer, i) => expect(vectorOf(answer)).toEqual(embeddingFor(calls[i].input, DIMENSIONS)));
    expect((await first).status).toBe(200);
    const shared = openai.mock.requestsTo('embeddings').slice(1).map((request) => bodyOf(request));
    for (const body of shared) {
      const user = (body.user as string | undefined) ?? 'none';
      expect((body.input as string[]).every((text) => text.startsWith(`${user} `))).toBe(true);
    }
    expect(shared.flatMap((body) => body.input as string[]).sort()).toEqual(calls.map((call) => call.input).sort());
    expect(shared.length).toBeLessThan(calls.length);
  });

  test("one shared request takes one of the endpoint's rate-limit slots; a caller whose deadline passes meanwhile gets the rate limit's 429", async () => {
    // 60 a minute: a burst of one, then one a second.
    const id = await openAiEndpoint(openai, { rate_limit: { requests_per_minute: 60 } });
    const { answer: first } = await holdFirst(openai, id, 100);
    const started = performance.now();
    const texts = ['r0', 'r1', 'r2', 'r3', 'r4'];
    const hurried = embed(openai, id, { input: 'hurried' }, '?timeout=400ms');
    const answers = await Promise.all(texts.map((input) => embed(openai, id, { input })));
    answers.forEach((answer, i) => expect(vectorOf(answer)).toEqual(embeddingFor(texts[i], DIMENSIONS)));
    // Five requests alone would have waited about five seconds for their slots.
    expect(performance.now() - started).toBeLessThan(3500);
    expect(openai.mock.requestsTo('embeddings')).toHaveLength(2);
    expectSimpleEsError(await hurried, 429, 'status_exception', `Request timed out after [400ms] for inference id [${id}]`);
    expect((await first).status).toBe(200);
  });
});

describe("the provider's batch limit", () => {
  test('no shared request holds more inputs than the provider takes (Voyage: 7 for voyage-3-large)', async () => {
    const id = newId('coalesced-voyage');
    await createEndpoint(voyage, 'text_embedding', id, { service: 'voyageai', service_settings: { api_key: VOYAGE_API_KEY, model_id: 'voyage-3-large' } });
    const { answer: first } = await holdFirst(voyage, id, 300);
    const texts = Array.from({ length: 16 }, (_, i) => `voyage ${i}`);
    const answers = await Promise.all(texts.map((input) => embed(voyage, id, { input })));
    answers.forEach((answer) => expect(answer.status).toBe(200));
    expect(new Set(answers.map((answer) => JSON.stringify(vectorOf(answer)))).size).toBe(texts.length);
    expect((await first).status).toBe(200);
    const sizes = inputsOf(voyage.mock).slice(1).map((inputs) => inputs.length);
    // However the calls of a loaded machine fall into windows: never more than 7 a request, and some shared.
    expect(Math.max(...sizes)).toBeLessThanOrEqual(7);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(texts.length);
    expect(sizes.length).toBeLessThan(texts.length);
  });
});

describe('INFERGATE_COALESCE_EMBEDDINGS=false', () => {
  test('every call goes upstream on its own', async () => {
    const id = await openAiEndpoint(uncoalesced);
    const { answer: first } = await holdFirst(uncoalesced, id, 300);
    const texts = ['x1', 'x2', 'x3', 'x4', 'x5'];
    const answers = await Promise.all(texts.map((input) => embed(uncoalesced, id, { input })));
    answers.forEach((answer, i) => expect(vectorOf(answer)).toEqual(embeddingFor(texts[i], DIMENSIONS)));
    expect((await first).status).toBe(200);
    expect(inputsOf(uncoalesced.mock).slice(1).sort()).toEqual(texts.map((text) => [text]));
  });
});
