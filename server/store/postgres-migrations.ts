/** The PostgreSQL schema of infergate, as numbered migrations recorded in `schema_migrations`. They are applied at
 * start under an advisory lock, so that replicas starting together apply each one exactly once. */
import type pg from 'pg';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'endpoints',
    // `config` is json, not jsonb: jsonb reorders object keys, and responses show settings in the stored order.
    // `revision` tells a replica whether the row it reads is the one it already has (e.g. its own write).
    sql: `
      CREATE SEQUENCE endpoint_revision;
      CREATE TABLE endpoints (
        inference_id text PRIMARY KEY,
        task_type    text NOT NULL,
        service      text NOT NULL,
        config       json NOT NULL,
        secrets      text NOT NULL,
        revision     bigint NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`,
  },
];

/** The advisory lock migrations hold: a key derived from a fixed name. */
const MIGRATION_LOCK = "hashtext('infergate schema_migrations')";

export async function migrate(pool: pg.Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version));
    for (const migration of migrations.filter((candidate) => !done.has(candidate.version))) {
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      applied.push(migration.version);
    }
  } finally {
    // A connection that could not unlock is closed, which frees the lock.
    const unlocked = await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`).then(() => true, () => false);
    client.release(!unlocked);
  }
  return applied;
}
