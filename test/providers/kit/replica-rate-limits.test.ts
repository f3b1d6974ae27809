/**
 * Rate limits shared across replicas: three infergate processes, each with its own data directory, sharing one
 * PostgreSQL database for endpoints and limits: a Llama endpoint with a rate_limit created on one (and seen by all),
 * all sending to one mock upstream and counting in one PostgreSQL
 * database. Hammered together, the upstream sees no more requests than the one limit allows; waiting requests get
 * through or get Elasticsearch's 429 at their deadline; an _update of requests_per_minute on each takes effect.
 * The interval is shortened to 3 s (INFERGATE_RATE_LIMIT_INTERVAL), so a rate of 30 means bursts of 10 a second.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OpenAiWireMock } from '../../support/mock-provider/openai-wire-mock';
import { startMockLlama } from '../llama/mock-llama';
import { killSpawnedServers, spawnServer, type ChildServer } from '../../support/child-server';
import { postgresBin, startPostgres, type TestPostgres } from '../../support/postgres-server';
import { waitFor } from '../../support/wait-for';
import { windowFor } from '../../../server/providers/kit/shared-rate-limiter';

const REPLICAS = 3;
const CLIENTS_PER_REPLICA = 8;
const INTERVAL_MS = 3000;
const TIMEOUT = { label: '2s', ms: 2000 };
const ID = 'shared-llama';
const WARM_UP_ID = 'warm-up';
// Replicas sharing a database seal secrets with one key.
const ENCRYPTION_KEY = randomBytes(32).toString('hex');

const available = postgresBin() !== undefined;
if (!available && process.env.CI === 'true') throw new Error('CI=true but no PostgreSQL binaries (apt-get install postgresql)');
if (!available) console.warn('replica-rate-limits: no PostgreSQL binaries (apt-get install postgresql, or set INFERGATE_POSTGRES_BIN): skipped');

interface Answer {
  status: number;
  reason?: string;
  elapsedMs: number;
}

async function embed(replica: ChildServer, id = ID): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${replica.url}/_inference/text_embedding/${id}?timeout=${TIMEOUT.label}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input: 'how big' }),
  });
  const body = (await response.json()) as { error?: { reason?: string } };
  return { status: response.status, reason: body.error?.reason, elapsedMs: performance.now() - started };
}

/** Every replica's clients call in a loop for `durationMs`; the upstream requests that arrived meanwhile with them. */
async function hammer(replicas: ChildServer[], mock: OpenAiWireMock, durationMs: number) {
  mock.reset();
  const startedAt = Date.now();
  const answers: Answer[] = [];
  const client = async (replica: ChildServer) => {
    while (Date.now() - startedAt < durationMs) answers.push(await embed(replica));
  };
  await Promise.all(replicas.flatMap((replica) => Array.from({ length: CLIENTS_PER_REPLICA }, () => client(replica))));
  const spanMs = Date.now() - startedAt;
  return { answers, upstream: mock.requestsTo('embeddings').map((request) => request.receivedAt - startedAt), spanMs };
}

function report(label: string, perMinute: number, run: Awaited<ReturnType<typeof hammer>>) {
  const { points, windowMs } = windowFor(perMinute, INTERVAL_MS);
  const perWindow = Array.from({ length: Math.ceil(run.spanMs / windowMs) }, (_, i) =>
    run.upstream.filter((at) => at >= i * windowMs && at < (i + 1) * windowMs).length,
  );
  const ok = run.answers.filter((answer) => answer.status === 200).length;
  const late = run.answers.filter((answer) => answer.status === 408).length;
  console.log(
    `${label}: ${REPLICAS} replicas x ${CLIENTS_PER_REPLICA} clients for ${run.spanMs} ms, limit ${perMinute} per ${INTERVAL_MS} ms ` +
      `(bursts of ${points} per ${windowMs} ms): ${run.answers.length} requests sent, ${ok} answered 200, ` +
      `${run.answers.length - ok - late} answered 429, ${late} 408 (a slot near the deadline, the upstream answer after it); upstream saw ${run.upstream.length} (at most ${points * (Math.floor(run.spanMs / windowMs) + 1)} allowed), ` +
      `per ${windowMs} ms: [${perWindow.join(', ')}]`,
  );
  return { points, windowMs, ok, late };
}

(available ? describe : describe.skip)('rate limits shared by replicas on PostgreSQL', () => {
  let postgres: TestPostgres;
  let mock: OpenAiWireMock;
  const dataDirs: string[] = [];
  let replicas: ChildServer[] = [];

  beforeAll(async () => {
    [postgres, mock] = await Promise.all([startPostgres(), startMockLlama()]);
    replicas = await Promise.all(
      Array.from({ length: REPLICAS }, () => {
        const dataDir = mkdtempSync(path.join(tmpdir(), 'infergate-replica-'));
        dataDirs.push(dataDir);
        return spawnServer({
          INFERGATE_DATA_DIR: dataDir,
          INFERGATE_DATABASE_URL: postgres.url,
          INFERGATE_ENCRYPTION_KEY: ENCRYPTION_KEY,
          INFERGATE_UPSTREAM_ORIGINS: `llama=${mock.url}`,
          INFERGATE_RATE_LIMIT_INTERVAL: `${INTERVAL_MS}ms`,
          // One upstream request per answered call, so that the upstream's count is the limiter's (coalescing would
          // put several calls in one request: test/providers/kit/coalescing.test.ts covers that one slot each).
          INFERGATE_COALESCE_EMBEDDINGS: 'false',
          INFERGATE_SKIP_VALIDATION: 'true',
          INFERGATE_MODELS_DIR: path.join(dataDir, 'no-models'),
          INFERGATE_LOG_LEVEL: 'info',
        });
      }),
    );
    for (const [id, perMinute] of [[ID, 30], [WARM_UP_ID, 100_000]] as const) {
      const put = await fetch(`${replicas[0].url}/_inference/text_embedding/${id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          service: 'llama',
          service_settings: { url: 'http://localhost:8321/v1/inference/embeddings', model_id: 'm', dimensions: 384, rate_limit: { requests_per_minute: perMinute } },
        }),
      });
      expect(put.status).toBe(200);
      for (const replica of replicas) await waitFor(async () => (await fetch(`${replica.url}/_inference/${id}`)).status === 200, 10_000, `${id} on ${replica.url}`, 20);
    }
    for (const replica of replicas) {
      // The first calls of a fresh process (module loading, the table, the pool's connections) on another endpoint,
      // so that the limited one starts its first window inside the run.
      for (let i = 0; i < 3; i++) expect((await Promise.all(Array.from({ length: 4 }, () => embed(replica, WARM_UP_ID)))).map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    }
  }, 180_000);
  afterAll(async () => {
    await killSpawnedServers();
    await mock?.close();
    postgres?.stop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  /** What holds for every run: the bound over all replicas, and each answer a 200, the 429 at its deadline, or (a
   * slot taken just before the deadline) the 408 of an upstream call that outlived it. */
  function expectHeld(run: Awaited<ReturnType<typeof hammer>>, points: number, windowMs: number) {
    // Windows start only while the run lasts and never overlap: at most one burst per window begun in the span.
    expect(run.upstream.length).toBeLessThanOrEqual(points * (Math.floor(run.spanMs / windowMs) + 1));
    // Waiting requests were let through a window later (at least two windows' bursts went upstream).
    expect(run.upstream.length).toBeGreaterThanOrEqual(2 * points);
    for (const answer of run.answers) {
      if (answer.status === 200) continue;
      expect({ status: answer.status, reason: answer.reason }).toEqual(
        answer.status === 408
          ? { status: 408, reason: `Request timed out after [${TIMEOUT.label}]` }
          : { status: 429, reason: `Request timed out after [${TIMEOUT.label}] for inference id [${ID}]` },
      );
      expect(answer.elapsedMs).toBeGreaterThanOrEqual(TIMEOUT.ms - 5);
    }
  }

  test('hammered together, the replicas hold one limit; waiting requests get through or 429 at their deadline', async () => {
    const run = await hammer(replicas, mock, 4000);
    const { points, windowMs, ok, late } = report('shared limit', 30, run);
    expectHeld(run, points, windowMs);
    // Each 200 went upstream once; the only other requests that did are the 408s.
    expect(run.upstream.length).toBeGreaterThanOrEqual(ok);
    expect(run.upstream.length).toBeLessThanOrEqual(ok + late);
    // Some requests waited for a later window and still got through before their deadline.
    expect(run.answers.filter((answer) => answer.status === 200 && answer.elapsedMs > windowMs / 2).length).toBeGreaterThan(0);
    // Three replicas each alone would have let three times as much through; the shared one refused the rest.
    expect(run.answers.length).toBeGreaterThan(run.upstream.length);
  }, 60_000);

  test('an _update of requests_per_minute on one replica takes effect on all', async () => {
    const updated = await fetch(`${replicas[0].url}/_inference/${ID}/_update`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service_settings: { rate_limit: { requests_per_minute: 90 } } }),
    });
    expect(updated.status).toBe(200);
    const rateOn = async (replica: ChildServer) => {
      const body = (await (await fetch(`${replica.url}/_inference/${ID}`)).json()) as { endpoints: Array<{ service_settings: { rate_limit?: { requests_per_minute?: number } } }> };
      return body.endpoints[0]?.service_settings.rate_limit?.requests_per_minute;
    };
    for (const replica of replicas) await waitFor(async () => (await rateOn(replica)) === 90, 10_000, `the new rate on ${replica.url}`, 20);
    const run = await hammer(replicas, mock, 3000);
    const { points, windowMs } = report('after _update', 90, run);
    expectHeld(run, points, windowMs);
    // More than the old rate of 30 could have let through in the same span.
    const oldBound = windowFor(30, INTERVAL_MS).points * (Math.floor(run.spanMs / windowMs) + 1);
    expect(run.upstream.length).toBeGreaterThan(oldBound);
  }, 60_000);
});
