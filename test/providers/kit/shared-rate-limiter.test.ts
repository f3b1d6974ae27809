/** The shared rate limiter against a real PostgreSQL: two instances are two replicas, held together to one limit;
 * waiting requests get through a window later or get Elasticsearch's 429 at their deadline; a new rate takes
 * effect; a database that is gone or hangs fails open to each replica's own limit, with one warning. */
import { createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import pg from 'pg';
import { Deadline } from '../../../server/inference/deadline';
import { timeValueFromMs } from '../../../server/http/time-value';
import { createLogger } from '../../../server/logger';
import { EsError } from '../../../server/http/errors';
import { SharedRateLimiters, rowKey, windowFor } from '../../../server/providers/kit/shared-rate-limiter';
import { closedPort } from '../../support/ports';
import { postgresBin, startPostgres, type TestPostgres } from '../../support/postgres-server';

const available = postgresBin() !== undefined;
if (!available && process.env.CI === 'true') throw new Error('CI=true but no PostgreSQL binaries (apt-get install postgresql)');
if (!available) console.warn('shared-rate-limiter: no PostgreSQL binaries (apt-get install postgresql, or set INFERGATE_POSTGRES_BIN): skipped');

function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

/** What one acquire came to: `ok`, or the 429's reason; and when it settled, in ms after `started`. */
async function settle(limiters: SharedRateLimiters, id: string, perInterval: number, timeoutMs: number, started: number) {
  const deadline = new Deadline(timeValueFromMs(timeoutMs));
  try {
    await limiters.acquire(id, perInterval, deadline);
    return { outcome: 'ok', at: performance.now() - started };
  } catch (error) {
    if (!(error instanceof EsError) || error.status !== 429) throw error;
    return { outcome: error.message, at: performance.now() - started };
  } finally {
    deadline.dispose();
  }
}

let sequence = 0;
const newId = (prefix: string) => `${prefix}-${++sequence}`;

describe('the fixed window equivalent to the token bucket', () => {
  test.each([
    [3000, 60_000],
    [1, 60_000],
    [90, 60_000],
    [7, 1000],
    [30, 3000],
  ])('%i per %i ms: a burst of one second, never faster than the rate', (perInterval, intervalMs) => {
    const { points, windowMs } = windowFor(perInterval, intervalMs);
    expect(points).toBe(Math.max(1, Math.floor(perInterval / (intervalMs / 1000))));
    expect(Number.isInteger(windowMs)).toBe(true);
    expect((points * intervalMs) / windowMs).toBeLessThanOrEqual(perInterval);
    // Rounded up by less than a millisecond: the rate is kept, not lowered.
    expect(windowMs - (points * intervalMs) / perInterval).toBeLessThan(1);
  });

  test('a row key is the endpoint at its rate; a very long id is hashed to fit the table', () => {
    expect(rowKey('my-endpoint', 30)).toBe('my-endpoint@30');
    const long = rowKey('a'.repeat(500), 30);
    expect(long).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(rowKey('a'.repeat(500), 31)).not.toBe(long);
  });
});

(available ? describe : describe.skip)('shared rate limits on PostgreSQL', () => {
  let postgres: TestPostgres;
  let pool: pg.Pool;
  const { logger } = capturedLogger();
  const replicas: SharedRateLimiters[] = [];
  const replica = (intervalMs: number) => {
    const limiters = new SharedRateLimiters(pool, { intervalMs, logger });
    replicas.push(limiters);
    return limiters;
  };

  beforeAll(async () => {
    postgres = await startPostgres();
    pool = new pg.Pool({ connectionString: postgres.url, max: 10 });
    // The server stopping at the end under an idle connection is no failure.
    pool.on('error', () => {});
    // Connections opened beforehand, so that the first test's deadlines measure the limiter, not connection setup.
    await Promise.all(Array.from({ length: 10 }, () => pool.query('SELECT 1')));
  }, 120_000);
  afterAll(async () => {
    await Promise.all(replicas.map((limiters) => limiters.close()));
    await pool?.end();
    postgres?.stop();
  });

  test('two replicas together admit one burst per window; the others wait and get 429 at their deadline', async () => {
    const [a, b] = [replica(1000), replica(1000)];
    const id = newId('burst');
    // 10 a second: a window of 10 lasting 1000 ms, longer than the 500 ms deadline.
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => settle(i % 2 ? a : b, id, 10, 500, started)));
    const admitted = results.filter((result) => result.outcome === 'ok');
    const refused = results.filter((result) => result.outcome !== 'ok');
    console.log(`shared burst: 30 requests over 2 replicas, limit 10 per window: ${admitted.length} admitted, ${refused.length} got 429`);
    expect(admitted).toHaveLength(10);
    expect(new Set(refused.map((result) => result.outcome))).toEqual(new Set([`Request timed out after [500ms] for inference id [${id}]`]));
    // Refused at the deadline, not before.
    for (const result of refused) expect(result.at).toBeGreaterThanOrEqual(495);
    const rows = await pool.query('SELECT points FROM infergate_rate_limits WHERE key = $1', [rowKey(id, 10)]);
    expect(rows.rows).toHaveLength(1);
  });

  test('waiting requests get through a window later, one burst per window over both replicas', async () => {
    const [a, b] = [replica(4000), replica(4000)];
    const id = newId('wait');
    // 8 per 4 s: bursts of 2, one window every 1000 ms.
    const { points, windowMs } = windowFor(8, 4000);
    expect({ points, windowMs }).toEqual({ points: 2, windowMs: 1000 });
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => settle(i % 2 ? a : b, id, 8, 10_000, started)));
    expect(results.map((result) => result.outcome)).toEqual(Array(6).fill('ok'));
    const times = results.map((result) => result.at).sort((x, y) => x - y);
    console.log(`shared waits: 6 requests, bursts of ${points} per ${windowMs} ms, admitted at ${times.map((t) => Math.round(t)).join(', ')} ms`);
    // The k-th burst cannot start before k whole windows have ended (timers may fire a millisecond early).
    times.forEach((at, i) => expect(at).toBeGreaterThanOrEqual(Math.floor(i / points) * windowMs - 2));
  });

  test('a replica that has used up its window refuses locally until it ends: no round trip', async () => {
    const limiters = replica(60_000);
    const id = newId('local-block');
    // One a minute: a window of one request lasting 60 s.
    const started = performance.now();
    expect((await settle(limiters, id, 1, 1000, started)).outcome).toBe('ok');
    const before = limiters.store.roundTrips;
    for (let i = 0; i < 5; i++) expect((await settle(limiters, id, 1, 50, started)).outcome).toMatch(/^Request timed out after \[50ms\]/);
    expect(limiters.store.roundTrips).toBe(before);
  });

  test('when a window ends, the requests that waited ask one at a time: one round trip per slot, the rest local', async () => {
    const limiters = replica(60_000);
    const id = newId('line');
    // The replica's first call (its table check) done beforehand, so that the timing below is the limiter's alone.
    await settle(limiters, newId('warm'), 120, 5000, performance.now());
    // 120 a minute: bursts of 2 a second. Ten at once: two get in, eight wait for the next window (deadline 1.6 s).
    const started = performance.now();
    const pending = Array.from({ length: 10 }, () => settle(limiters, id, 120, 1600, started));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const firstWindow = limiters.store.roundTrips;
    const results = await Promise.all(pending);
    const secondWindow = limiters.store.roundTrips - firstWindow;
    console.log(`line: 10 requests, bursts of 2 per 1000 ms: ${results.filter((r) => r.outcome === 'ok').length} admitted, round trips ${firstWindow} then ${secondWindow}`);
    expect(results.filter((result) => result.outcome === 'ok')).toHaveLength(4);
    // The two slots, the second of which blocks the rest locally; without the line, each of the eight would ask.
    expect(secondWindow).toBe(2);
  });

  test('a new rate (an _update) takes effect at once, on every replica that sees it', async () => {
    const [a, b] = [replica(60_000), replica(60_000)];
    const id = newId('update');
    const started = performance.now();
    expect((await settle(a, id, 1, 1000, started)).outcome).toBe('ok');
    expect((await settle(b, id, 1, 200, started)).outcome).toBe(`Request timed out after [200ms] for inference id [${id}]`);
    // 600 a minute: bursts of 10, shared.
    const raised = await Promise.all(Array.from({ length: 14 }, (_, i) => settle(i % 2 ? a : b, id, 600, 800, started)));
    expect(raised.filter((result) => result.outcome === 'ok')).toHaveLength(10);
  });

  test('forgetting an endpoint deletes its row', async () => {
    const limiters = replica(60_000);
    const id = newId('forget');
    expect((await settle(limiters, id, 5, 1000, performance.now())).outcome).toBe('ok');
    const count = async () => (await pool.query('SELECT count(*)::int AS n FROM infergate_rate_limits WHERE key = $1', [rowKey(id, 5)])).rows[0].n;
    expect(await count()).toBe(1);
    limiters.forget(id);
    const until = Date.now() + 5000;
    while ((await count()) !== 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await count()).toBe(0);
  });
});

describe('a rate-limit database that fails', () => {
  test('gone: each replica limits alone (fail open to the insurance limiter), one warning, no password logged', async () => {
    const { logger, lines } = capturedLogger();
    const password = 'Zq7-database-Password-k3';
    const limiters = SharedRateLimiters.connect(`postgres://infergate:${password}@127.0.0.1:${await closedPort()}/postgres`, { intervalMs: 1000, logger });
    try {
      const id = newId('gone');
      const started = performance.now();
      const results = await Promise.all(Array.from({ length: 8 }, () => settle(limiters, id, 5, 300, started)));
      expect(results.filter((result) => result.outcome === 'ok')).toHaveLength(5);
      expect(results.filter((result) => result.outcome === `Request timed out after [300ms] for inference id [${id}]`)).toHaveLength(3);
      const warnings = lines.map((line) => JSON.parse(line)).filter((entry) => entry.level === 40);
      expect(warnings).toHaveLength(1);
      expect(warnings[0].msg).toBe('rate limits: the database failed; each replica holds the limits alone until it answers again');
      expect(lines.join('')).not.toContain(password);
    } finally {
      await limiters.close();
    }
  });

  test('hanging: a query not answered in time counts as failed; requests are not held', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const { logger } = capturedLogger();
    const pool = new pg.Pool({ connectionString: `postgres://infergate@127.0.0.1:${port}/postgres` });
    pool.on('error', () => {});
    const limiters = new SharedRateLimiters(pool, { intervalMs: 1000, logger, guard: { queryTimeoutMs: 200 } });
    try {
      const started = performance.now();
      const results = await Promise.all(Array.from({ length: 4 }, () => settle(limiters, newId('hang'), 5, 5000, started)));
      expect(results.map((result) => result.outcome)).toEqual(Array(4).fill('ok'));
      // The table's creation and one consume each wait out the 200 ms, no more.
      for (const result of results) expect(result.at).toBeLessThan(2000);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await pool.end().catch(() => {});
    }
  });
});
