/** The rate-limit backend the settings ask for: shared by the replicas when INFERGATE_DATABASE_URL names a database
 * (on the server's one pool), else this process's own. */
import type pg from 'pg';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { RateLimitBackend } from './rate-limit-backend';
import { RateLimiters } from './rate-limiter';
import { SharedRateLimiters } from './shared-rate-limiter';

export function rateLimitBackend(config: Config, logger: Logger, pool: pg.Pool | undefined): RateLimitBackend {
  if (!config.databaseUrl || !pool) return new RateLimiters(config.rateLimitIntervalMs);
  return SharedRateLimiters.sharing(pool, config.databaseUrl, { intervalMs: config.rateLimitIntervalMs, logger });
}
