/** Fresh databases on one test PostgreSQL server, one per test, and the `describe` that skips without binaries
 * (required when CI=true). */
import pg from 'pg';
import { postgresBin, startPostgres, type TestPostgres } from './postgres-server';

const available = postgresBin() !== undefined;
if (!available && process.env.CI === 'true') throw new Error('CI=true but no PostgreSQL binaries (apt-get install postgresql)');

export const describeWithPostgres: jest.Describe = available ? describe : describe.skip;
if (!available) console.warn('no PostgreSQL binaries under /usr/lib/postgresql (apt-get install postgresql, or set INFERGATE_POSTGRES_BIN): skipped');

export interface PostgresDatabases {
  server: TestPostgres;
  /** Creates an empty database and returns its URL. */
  create(): Promise<string>;
  stop(): Promise<void>;
}

export async function startPostgresDatabases(): Promise<PostgresDatabases> {
  const server = await startPostgres();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  let count = 0;
  return {
    server,
    async create() {
      count += 1;
      const name = `t${process.pid}_${count}`;
      await admin.query(`CREATE DATABASE ${name}`);
      return server.url.replace(/\/postgres$/, `/${name}`);
    },
    async stop() {
      await admin.end().catch(() => undefined);
      server.stop();
    },
  };
}
