/** Requests built to hurt the HTTP layer: each must get a prompt Elasticsearch-style answer, and the server must keep
 * answering a health request while the hostile one is in flight. */
import { gzipSync } from 'node:zlib';
import { globMatches } from '../../server/http/glob';
import { parseTimeValue } from '../../server/http/time-value';
import { MAX_TIMER_MS, timerDelay } from '../../server/http/timer-delay';
import { Deadline } from '../../server/inference/deadline';
import { abortableSleep } from '../../server/providers/kit/abortable-sleep';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await server.call('GET', '/'); // warm the connection pool so that health timings measure the server only
});
afterAll(async () => server.stop());

/** Sends `hostile` and, while it is in flight, checks that `GET /` still answers. The target is 100 ms (the figures
 * are printed by http-limits.test.ts); the bound is tolerant so that a loaded 2-core machine passes, while a stalled
 * event loop (the defects here froze it for seconds and more) still fails. */
async function withHealthCheck<T>(hostile: () => Promise<T>): Promise<T> {
  const pending = hostile();
  const started = performance.now();
  const health = await server.call('GET', '/');
  expect(health.status).toBe(200);
  expect(performance.now() - started).toBeLessThan(1000);
  return pending;
}

describe('filter_path', () => {
  test('glob matching is linear and exact', () => {
    expect(globMatches('a*c', 'abbbc')).toBe(true);
    expect(globMatches('a*c', 'abbbd')).toBe(false);
    expect(globMatches('*', '')).toBe(true);
    expect(globMatches('*_id', 'inference_id')).toBe(true);
    expect(globMatches('a.c', 'abc')).toBe(false); // no regular-expression meaning
    const started = performance.now();
    expect(globMatches('*'.repeat(5000) + 'Z', 'a'.repeat(5000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });

  test('a pattern of many wildcards answers fast', async () => {
    const started = performance.now();
    const response = await withHealthCheck(() => server.call('GET', `/?filter_path=${'*'.repeat(25)}Z`));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({});
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('wildcards still select keys', async () => {
    const response = await server.call('GET', '/_inference?filter_path=endpoints.*_id');
    expect(response.status).toBe(200);
    expect(response.json.endpoints.length).toBeGreaterThan(0);
    for (const endpoint of response.json.endpoints) expect(Object.keys(endpoint)).toEqual(['inference_id']);
    const tagline = await server.call('GET', '/?filter_path=tag*,version.num*');
    expect(Object.keys(tagline.json).sort()).toEqual(['tagline', 'version']);
    expect(Object.keys(tagline.json.version)).toEqual(['number']);
  });

  test('`**` keeps the whole document; an empty filter_path is accepted', async () => {
    const whole = await server.call('GET', '/');
    expect((await server.call('GET', '/?filter_path=**')).json).toEqual(whole.json);
    const empty = await server.call('GET', '/?filter_path=');
    expect(empty.status).toBe(200);
    expect(empty.json).toEqual(whole.json);
    expect((await server.call('GET', '/?filter_path=**.number')).json).toEqual({ version: { number: whole.json.version.number } });
  });
});

describe('JSON bodies', () => {
  const post = (body: Buffer | string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/_inference/text_embedding/some-id`, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body }).then(
      async (response) => ({ status: response.status, json: (await response.json()) as { error: { type: string; reason: string } } }),
    );

  test('a document nested 100k deep is a 400 parse error', async () => {
    const response = await withHealthCheck(() => post('['.repeat(100_000) + ']'.repeat(100_000)));
    expect(response.status).toBe(400);
    expect(response.json.error.type).toBe('x_content_parse_exception');
    expect(response.json.error.reason).toContain('exceeds the maximum allowed (1000');
    // Brackets inside strings are not nesting.
    const inString = await post(JSON.stringify({ service: '['.repeat(5000) }));
    expect(inString.json.error.reason).not.toContain('nesting depth');
  });

  test('Content-Encoding gzip with a body that is not gzip is a 400 parse error', async () => {
    const response = await post('{"service":"x"}', { 'content-encoding': 'gzip' });
    expect(response.status).toBe(400);
    expect(response.json.error.type).toBe('parse_exception');
  });

  test('a gzip bomb is a 413 naming the configured limit', async () => {
    const bomb = gzipSync(Buffer.alloc(server.config.maxBodyBytes * 4, 0x20));
    const response = await withHealthCheck(() => post(bomb, { 'content-encoding': 'gzip' }));
    expect(response.status).toBe(413);
    expect(response.json.error.reason).toContain(`[${server.config.maxBodyBytes}]`);
    expect(response.json.error.reason).not.toContain('undefined');
  });
});

describe('timeouts beyond what a Node timer holds', () => {
  test('delays are clamped to 2^31-1 ms', () => {
    expect(timerDelay(2 ** 31)).toBe(MAX_TIMER_MS);
    expect(timerDelay(Number.POSITIVE_INFINITY)).toBe(MAX_TIMER_MS);
    expect(timerDelay(Number.NaN)).toBe(MAX_TIMER_MS);
    expect(timerDelay(-5)).toBe(0);
    expect(timerDelay(250)).toBe(250);
  });

  test.each([`${2 ** 31}ms`, `${2 ** 40}ms`, '30d'])('timeout=%s does not expire at once', async (raw) => {
    const deadline = new Deadline(parseTimeValue(raw));
    const stop = new AbortController();
    let slept = false;
    void abortableSleep(2 ** 31, stop.signal).then(() => (slept = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(deadline.signal.aborted).toBe(false);
    expect(deadline.timedOut).toBe(false);
    expect(slept).toBe(false);
    deadline.dispose();
    stop.abort();
  });
});

describe('inference ids', () => {
  const body = { service: 'openai', service_settings: { api_key: 'k', model_id: 'm' } };

  test('a 10,000-character id is a 400 in Elasticsearch words', async () => {
    const id = 'a'.repeat(10_000);
    const response = await withHealthCheck(() => server.call('PUT', `/_inference/text_embedding/${id}`, body));
    expect(response.status).toBe(400);
    expect(response.json.error.type).toBe('action_request_validation_exception');
    expect(response.json.error.reason).toBe(`Validation Failed: 1: id [model_${id}] is too long, must be no longer than 512 bytes but was: 10006;`);
  });

  test('the longest id a document holds is not refused for its length', async () => {
    const response = await server.call('PUT', `/_inference/text_embedding/${'a'.repeat(506)}`, body);
    expect(response.json?.error?.reason ?? '').not.toContain('too long');
    const over = await server.call('PUT', `/_inference/text_embedding/${'a'.repeat(507)}`, body);
    expect(over.status).toBe(400);
    expect(over.json.error.reason).toContain('must be no longer than 512 bytes but was: 513');
  });
});
