/** The endpoint store the configuration asks for: PostgreSQL with INFERGATE_DATABASE_URL (its pool owned here and
 * ended with the store), else the data dir's SQLite file. */
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { SecretBox } from '../security/secret-box';
import type { SqliteDatabase } from './database';
import type { EndpointStore } from './endpoint-store';
import { PostgresEndpointStore } from './postgres-endpoint-store';
import { createPostgresPool, redactDatabaseUrl, redactError } from './postgres-pool';
import { SqliteEndpointStore } from './sqlite-endpoint-store';

export async function openEndpointStore(config: Config, database: SqliteDatabase, box: SecretBox, logger: Logger): Promise<EndpointStore> {
  const url = config.databaseUrl;
  if (!url) return new SqliteEndpointStore(database, box);
  const pool = createPostgresPool(config, logger);
  try {
    const store = await PostgresEndpointStore.open({ pool, url, box, logger, ownsPool: true });
    logger.info({ database: redactDatabaseUrl(url) }, 'endpoints stored in PostgreSQL');
    return store;
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot use the endpoints database [${redactDatabaseUrl(url)}]: ${redactError(error, url).message}`);
  }
}
