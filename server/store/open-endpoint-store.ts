/** The endpoint store the configuration asks for: PostgreSQL with INFERGATE_DATABASE_URL (on the server's pool, which
 * its owner ends), else the data dir's SQLite file. */
import type pg from 'pg';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { SecretBox } from '../security/secret-box';
import type { SqliteDatabase } from './database';
import type { EndpointStore } from './endpoint-store';
import { PostgresEndpointStore } from './postgres-endpoint-store';
import { redactDatabaseUrl, redactError } from './postgres-pool';
import { SqliteEndpointStore } from './sqlite-endpoint-store';

export async function openEndpointStore(
  config: Config,
  database: SqliteDatabase,
  box: SecretBox,
  logger: Logger,
  pool: pg.Pool | undefined,
): Promise<EndpointStore> {
  const url = config.databaseUrl;
  if (!url || !pool) return new SqliteEndpointStore(database, box);
  try {
    const store = await PostgresEndpointStore.open({ pool, url, box, logger, ownsPool: false });
    logger.info({ database: redactDatabaseUrl(url) }, 'endpoints stored in PostgreSQL');
    return store;
  } catch (error) {
    throw new Error(`cannot use the endpoints database [${redactDatabaseUrl(url)}]: ${redactError(error, url).message}`);
  }
}
