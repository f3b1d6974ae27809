/**
 * The `storeClient` the shared rate limiter queries through: a pg.Pool whose every query is bounded in time, and
 * which, once the database failed, is not asked again for a while. So a database that hangs or is gone costs a
 * request at most one timeout, then nothing, while rate-limiter-flexible's insurance limiter counts in-process. The
 * database going away and coming back are logged once each (the cause redacted of the connection's password).
 */
import type { Pool, QueryConfig, QueryResult } from 'pg';
import type { Logger } from '../../logger';
import { redactSecrets } from './redact';

/** PostgreSQL's unique_violation: two replicas creating the table at once. The library takes it as created. */
const UNIQUE_VIOLATION = '23505';

export interface StoreGuardOptions {
  /** A query not answered within this long counts as failed (the pool's own timeouts are its owner's choice). */
  queryTimeoutMs: number;
  /** After a failure, the database is left alone this long. */
  retryAfterMs: number;
  /** Secrets that must not appear in a logged cause (the connection's password). */
  secrets?: Record<string, string>;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export class GuardedPool {
  /** Queries sent to the database (the benchmark reports them per request). */
  roundTrips = 0;
  private downUntil = 0;
  private down = false;

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
    private readonly options: StoreGuardOptions,
  ) {}

  async query(query: QueryConfig): Promise<QueryResult> {
    if (Date.now() < this.downUntil) throw new Error('the rate-limit database failed a moment ago');
    this.roundTrips++;
    try {
      const result = await withTimeout(this.pool.query(query), this.options.queryTimeoutMs);
      if (this.down) {
        this.down = false;
        this.logger.info('rate limits: the database answers again; the limits are shared again');
      }
      return result;
    } catch (error) {
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) this.noteFailure(error);
      throw error;
    }
  }

  private noteFailure(error: unknown): void {
    this.downUntil = Date.now() + this.options.retryAfterMs;
    if (this.down) return;
    this.down = true;
    const cause = redactSecrets(error instanceof Error ? error.message : String(error), this.options.secrets ?? {});
    this.logger.warn({ cause }, 'rate limits: the database failed; each replica holds the limits alone until it answers again');
  }
}
