/**
 * `rate_limit.requests_per_minute` shared by every replica, on rate-limiter-flexible's RateLimiterPostgres: one row
 * per endpoint, counted by an atomic upsert.
 *
 * The library counts in fixed windows, so the token bucket of the in-process limiter becomes windows of one burst:
 * `points` = the burst (one second's worth), `duration` = the time the rate takes to earn it. Windows never overlap,
 * so any stretch of one interval holds at most `requests_per_minute` + one burst over all replicas — the bound of the
 * in-process bucket, which starts full. Requests wait the `msBeforeNext` the library answers, never past the deadline.
 *
 * Round trips: a replica that has seen its window used up refuses locally until the window ends
 * (`inMemoryBlockOnConsumed`), so waiting requests do not ask the database again meanwhile; and when it ends, the
 * requests that waited ask again one at a time (per endpoint, per replica; a new request joins the line while there
 * is one), so that once the new window is used up the rest are refused locally instead of all asking the database.
 * (RateLimiterQueue would line them up too, but a request in its queue cannot leave at its deadline: the expiry is in
 * whole seconds, and swept only as the queue moves.)
 *
 * The database unreachable: the limits fail open to rate-limiter-flexible's `insuranceLimiter`, a RateLimiterMemory of
 * the same points and duration, so each replica then holds the limit alone (a set of N may send N times it), with a
 * warning logged; the database is asked again a moment later.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Deadline } from '../../inference/deadline';
import type { Logger } from '../../logger';
import { burstSize, waitForSlot, type RateLimitBackend } from './rate-limit-backend';
import { createPostgresPool } from '../../store/postgres-pool';
import { GuardedPool, type StoreGuardOptions } from './rate-limit-store';
import { KeyedTurns } from './keyed-turns';

export const RATE_LIMIT_TABLE = 'infergate_rate_limits';
/** The library's table keys are varchar(255). */
const MAX_KEY_LENGTH = 255;

export interface SharedRateLimitOptions {
  /** The window `requests_per_minute` counts in (INFERGATE_RATE_LIMIT_INTERVAL). */
  intervalMs: number;
  logger: Logger;
  guard?: Partial<StoreGuardOptions>;
}

/**
 * The row of an endpoint at one rate. A new rate starts its own window, as a new rate gives the in-process limiter a
 * fresh bucket: otherwise a long window of the old rate (one request a minute) would hold back a raised one.
 */
export function rowKey(inferenceId: string, requestsPerInterval: number): string {
  const key = `${inferenceId}@${requestsPerInterval}`;
  return key.length <= MAX_KEY_LENGTH ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/** The fixed window equivalent to the token bucket: a burst of `points`, earned back in `windowMs`. */
export function windowFor(requestsPerInterval: number, intervalMs: number): { points: number; windowMs: number } {
  const points = burstSize(requestsPerInterval, intervalMs);
  // Whole milliseconds, rounded up: the library stores the expiry as a bigint, and a longer window never exceeds the rate.
  return { points, windowMs: Math.ceil((points * intervalMs) / requestsPerInterval) };
}

export class SharedRateLimiters implements RateLimitBackend {
  /** Queries sent to the database, through the guard. */
  readonly store: GuardedPool;
  private readonly limiters = new Map<string, { perInterval: number; limiter: RateLimiterPostgres }>();
  private table: Promise<void> | undefined;
  private readonly turns = new KeyedTurns();

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: SharedRateLimitOptions,
    private readonly ownsPool = false,
  ) {
    this.store = new GuardedPool(pool, options.logger, { queryTimeoutMs: 2000, retryAfterMs: 2000, ...options.guard });
  }

  /** A backend on `pool`, a pool on `databaseUrl` (whose password is kept out of logged causes). */
  static sharing(pool: pg.Pool, databaseUrl: string, options: SharedRateLimitOptions, ownsPool = false): SharedRateLimiters {
    const password = URL.canParse(databaseUrl) ? decodeURIComponent(new URL(databaseUrl).password) : '';
    return new SharedRateLimiters(pool, { ...options, guard: { ...options.guard, secrets: { password } } }, ownsPool);
  }

  /** A backend with a pool of its own on `databaseUrl`, ended by `close`. */
  static connect(databaseUrl: string, options: SharedRateLimitOptions): SharedRateLimiters {
    const pool = createPostgresPool({ databaseUrl }, options.logger, { connectionTimeoutMillis: 5000 });
    return SharedRateLimiters.sharing(pool, databaseUrl, options, true);
  }

  async acquire(inferenceId: string, requestsPerInterval: number | undefined, deadline: Deadline): Promise<void> {
    if (!requestsPerInterval) return;
    await this.ensureTable();
    const limiter = this.limiterFor(inferenceId, requestsPerInterval);
    const key = rowKey(inferenceId, requestsPerInterval);
    let waited = false;
    await waitForSlot(inferenceId, deadline, () => {
      // The first try goes straight to the store, unless requests are waiting in line: then it joins the line.
      const direct = !waited && !this.turns.busy(key);
      waited = true;
      if (direct) return takeSlot(limiter, key);
      // A request whose deadline passed while in line takes no slot.
      return this.turns.take(key, () => (deadline.signal.aborted ? 1 : takeSlot(limiter, key)));
    });
  }

  forget(inferenceId: string): void {
    const entry = this.limiters.get(inferenceId);
    this.limiters.delete(inferenceId);
    entry?.limiter.delete(rowKey(inferenceId, entry.perInterval)).catch(() => {});
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }

  /** Creates the library's table once (again after a failure, once the guard lets the database be asked). */
  private ensureTable(): Promise<void> {
    this.table ??= new Promise<void>((resolve) => {
      // No background clearing of expired rows: a row is reused in place, so there are only as many as endpoints × rates.
      new RateLimiterPostgres({ ...this.storeOptions(), points: 1, duration: 1, tableCreated: false, clearExpiredByTimeout: false }, (error) => {
        if (error) this.table = undefined;
        resolve();
      });
    });
    return this.table;
  }

  private limiterFor(inferenceId: string, perInterval: number): RateLimiterPostgres {
    const existing = this.limiters.get(inferenceId);
    if (existing && existing.perInterval === perInterval) return existing.limiter;
    const { points, windowMs } = windowFor(perInterval, this.options.intervalMs);
    const duration = windowMs / 1000;
    const limiter = new RateLimiterPostgres({
      ...this.storeOptions(),
      points,
      duration,
      tableCreated: true,
      clearExpiredByTimeout: false,
      inMemoryBlockOnConsumed: points,
      insuranceLimiter: new RateLimiterMemory({ points, duration, keyPrefix: '' }),
    });
    this.limiters.set(inferenceId, { perInterval, limiter });
    return limiter;
  }

  private storeOptions() {
    return { storeClient: this.store, storeType: 'pool', tableName: RATE_LIMIT_TABLE, keyPrefix: '' };
  }
}

/** 0 when a slot was taken, else the milliseconds until the window ends. */
async function takeSlot(limiter: RateLimiterPostgres, key: string): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (rejection) {
    // Anything but a refusal means even the insurance failed: fail open rather than hold the request.
    return rejection instanceof RateLimiterRes ? Math.max(1, rejection.msBeforeNext) : 0;
  }
}
