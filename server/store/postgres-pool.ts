/** The PostgreSQL connections of a server (INFERGATE_DATABASE_URL): one pg.Pool for the stores that share the
 * database (the endpoints and the shared rate limits), and the URL's redacted form for logs and errors. */
import pg from 'pg';
import type { Config } from '../config';
import type { Logger } from '../logger';

/** The URL with its password (and any `password=` parameter) replaced, for a log line or an error message. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) if (/pass/i.test(key)) parsed.searchParams.set(key, '***');
    return parsed.toString().replaceAll('%2A%2A%2A', '***');
  } catch {
    // A libpq key=value string (host=... password=...), or something unparseable: keep no password-like value.
    return url.replace(/(pass\w*\s*=\s*)('[^']*'|\S+)/gi, '$1***').replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
  }
}

/** A pool on the configured database; idle connections that fail are logged (redacted), not thrown. */
export function createPostgresPool(config: Pick<Config, 'databaseUrl'>, logger: Logger, options: pg.PoolConfig = {}): pg.Pool {
  if (!config.databaseUrl) throw new Error('INFERGATE_DATABASE_URL is not set');
  const pool = new pg.Pool({ connectionString: config.databaseUrl, connectionTimeoutMillis: 10_000, max: 10, ...options });
  pool.on('error', (error) => logger.warn({ err: redactError(error, config.databaseUrl!).message }, 'idle PostgreSQL connection failed'));
  return pool;
}

/** An error of the pg driver with every copy of the URL's password removed from its message. */
export function redactError(error: unknown, url: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  let password: string | undefined;
  try {
    password = decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    password = undefined;
  }
  const clean = (password ? message.split(password).join('***') : message).split(url).join(redactDatabaseUrl(url));
  return new Error(clean);
}
