/** The rate-limit backend the settings ask for: shared by the replicas when INFERGATE_DATABASE_URL names a database,
 * else this process's own. */
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { RateLimitBackend } from './rate-limit-backend';
import { RateLimiters } from './rate-limiter';
import { SharedRateLimiters } from './shared-rate-limiter';

export function rateLimitBackend(config: Config, logger: Logger): RateLimitBackend {
  if (!config.databaseUrl) return new RateLimiters(config.rateLimitIntervalMs);
  return SharedRateLimiters.connect(config.databaseUrl, { intervalMs: config.rateLimitIntervalMs, logger });
}
