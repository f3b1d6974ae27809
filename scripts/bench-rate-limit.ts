/**
 * What a shared rate limit costs: acquiring a slot from the in-process token bucket and from the PostgreSQL-backed
 * shared limiter, interleaved round by round in one process (medians over the rounds, and the ratio), sequential
 * and 32 at a time, with the database round trips per slot; then, with the limit saturated by waiting requests on
 * two limiter instances (two replicas), the round trips per admitted request. A throwaway PostgreSQL is started
 * (INFERGATE_DATABASE_URL uses an existing one instead).
 *
 *   npx tsx scripts/bench-rate-limit.ts
 */
import pg from 'pg';
import { Deadline } from '../server/inference/deadline';
import { timeValueFromMs } from '../server/http/time-value';
import { createLogger } from '../server/logger';
import type { RateLimitBackend } from '../server/providers/kit/rate-limit-backend';
import { RateLimiters } from '../server/providers/kit/rate-limiter';
import { SharedRateLimiters, windowFor } from '../server/providers/kit/shared-rate-limiter';
import { startPostgres } from '../test/support/postgres-server';

const ROUNDS = 7;
const PER_ROUND = 1000;
const CONCURRENCY = 32;
/** High enough that no acquire waits: what is measured is the bookkeeping. */
const UNLIMITED_PER_MINUTE = 100_000_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function acquireMany(backend: RateLimitBackend, id: string, count: number, concurrency: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next++ < count) {
      const deadline = new Deadline(timeValueFromMs(30_000));
      await backend.acquire(id, UNLIMITED_PER_MINUTE, deadline);
      deadline.dispose();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ((performance.now() - started) * 1000) / count;
}

/** Two replicas x 50 clients in a loop against a limit of 20 a second; the round trips of the first window (every
 * client's first try at once) and of the steady state after it are counted apart. */
async function saturated(pool: pg.Pool, logger: ReturnType<typeof createLogger>) {
  const perMinute = 1200;
  const replicas = [new SharedRateLimiters(pool, { intervalMs: 60_000, logger }), new SharedRateLimiters(pool, { intervalMs: 60_000, logger })];
  const roundTrips = () => replicas.reduce((sum, replica) => sum + replica.store.roundTrips, 0);
  const started = Date.now();
  const steadyFrom = started + 1500;
  const endAt = steadyFrom + 5000;
  const counts = { first: { admitted: 0, refused: 0 }, steady: { admitted: 0, refused: 0 } };
  let tripsAtSteady = 0;
  const steadyTimer = setTimeout(() => (tripsAtSteady = roundTrips()), steadyFrom - started);
  const worker = async (replica: SharedRateLimiters) => {
    while (Date.now() < endAt) {
      const deadline = new Deadline(timeValueFromMs(2000));
      const phase = Date.now() < steadyFrom ? counts.first : counts.steady;
      try {
        await replica.acquire('saturated', perMinute, deadline);
        phase.admitted++;
      } catch {
        phase.refused++;
      } finally {
        deadline.dispose();
      }
    }
  };
  await Promise.all(replicas.flatMap((replica) => Array.from({ length: 50 }, () => worker(replica))));
  clearTimeout(steadyTimer);
  const steadyTrips = roundTrips() - tripsAtSteady;
  const { points, windowMs } = windowFor(perMinute, 60_000);
  console.log(
    `saturated: 2 replicas x 50 clients in a loop, bursts of ${points} per ${windowMs} ms; first 1.5 s: ${counts.first.admitted} admitted, ` +
      `${tripsAtSteady} round trips (every client's first try at once); next 5 s: ${counts.steady.admitted} admitted, ` +
      `${counts.steady.refused} 429 at their 2 s deadline, ${steadyTrips} round trips = ${(steadyTrips / counts.steady.admitted).toFixed(2)} per admitted request`,
  );
}

async function main(): Promise<void> {
  const postgres = process.env.INFERGATE_DATABASE_URL ? undefined : await startPostgres();
  const pool = new pg.Pool({ connectionString: process.env.INFERGATE_DATABASE_URL ?? postgres!.url, max: 10 });
  pool.on('error', () => {}); // the server stopping under an idle connection at the end
  const logger = createLogger('warn');
  try {
    const local = new RateLimiters(60_000);
    const shared = new SharedRateLimiters(pool, { intervalMs: 60_000, logger });
    await acquireMany(shared, 'warm-up', 200, CONCURRENCY);
    for (const [label, concurrency] of [['sequential', 1], [`${CONCURRENCY} at a time`, CONCURRENCY]] as const) {
      const samples = { local: [] as number[], shared: [] as number[], trips: [] as number[] };
      for (let round = 0; round < ROUNDS; round++) {
        samples.local.push(await acquireMany(local, `local-${round}`, PER_ROUND, concurrency));
        const trips = shared.store.roundTrips;
        samples.shared.push(await acquireMany(shared, `shared-${label}-${round}`, PER_ROUND, concurrency));
        samples.trips.push((shared.store.roundTrips - trips) / PER_ROUND);
      }
      const [l, s] = [median(samples.local), median(samples.shared)];
      console.log(
        `${label}: in-process ${l.toFixed(1)} µs per slot, shared (PostgreSQL) ${s.toFixed(1)} µs per slot ` +
          `(${median(samples.trips).toFixed(2)} round trips each): ratio ${(s / l).toFixed(0)}x, medians of ${ROUNDS} interleaved rounds of ${PER_ROUND}`,
      );
    }
    await saturated(pool, logger);
  } finally {
    await pool.end();
    postgres?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
