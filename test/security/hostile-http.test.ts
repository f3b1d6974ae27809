/** Requests built to hurt the HTTP layer: each must get a prompt Elasticsearch-style answer, and the server must keep
 * answering a health request while the hostile one is in flight. */
import { globMatches } from '../../server/http/glob';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await server.call('GET', '/'); // warm the connection pool so that health timings measure the server only
});
afterAll(async () => server.stop());

/** Sends `hostile` and, while it is in flight, checks that `GET /` still answers within 100 ms. */
async function withHealthCheck<T>(hostile: () => Promise<T>): Promise<T> {
  const pending = hostile();
  const started = performance.now();
  const health = await server.call('GET', '/');
  expect(health.status).toBe(200);
  expect(performance.now() - started).toBeLessThan(100);
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
