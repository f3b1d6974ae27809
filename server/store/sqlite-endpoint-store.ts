/** Endpoints in the `endpoints` table of the server's SQLite database. The `secrets` column holds the secret
 * settings sealed by a SecretBox (bound to the endpoint id); rows written before that are sealed at open. Every row
 * is read into memory at open; reads come from there, and each write updates it once committed. */
import type { SqliteDatabase } from './database';
import { isSealed, type SecretBox } from '../security/secret-box';
import { EndpointCache } from './endpoint-cache';
import { decodeEndpoint, decodeWritten, encodeEndpoint, type EndpointRow } from './endpoint-codec';
import type { EndpointStore, StoredEndpoint } from './endpoint-store';

type Row = EndpointRow & { config: string };

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS endpoints (
    inference_id TEXT PRIMARY KEY,
    task_type    TEXT NOT NULL,
    service      TEXT NOT NULL,
    config       TEXT NOT NULL,
    secrets      TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
  )`;

export class SqliteEndpointStore implements EndpointStore {
  private readonly statements;
  private readonly cache = new EndpointCache();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly box: SecretBox,
  ) {
    this.db.exec(SCHEMA);
    sealPlaintextRows(db, box);
    this.statements = {
      insert: this.db.prepare(
        `INSERT INTO endpoints (inference_id, task_type, service, config, secrets, created_at, updated_at)
         VALUES (@inference_id, @task_type, @service, @config, @secrets, @now, @now)
         ON CONFLICT (inference_id) DO NOTHING`,
      ),
      replace: this.db.prepare(
        `UPDATE endpoints SET task_type = @task_type, service = @service, config = @config, secrets = @secrets,
         updated_at = @now WHERE inference_id = @inference_id`,
      ),
      delete: this.db.prepare('DELETE FROM endpoints WHERE inference_id = ?'),
    };
    for (const row of this.db.prepare<[], Row>('SELECT * FROM endpoints').all()) this.cache.set(decodeEndpoint(row, box));
  }

  get(inferenceId: string): StoredEndpoint | undefined {
    return this.cache.get(inferenceId);
  }

  list(): StoredEndpoint[] {
    return this.cache.list();
  }

  async insert(endpoint: StoredEndpoint): Promise<boolean> {
    const row = encodeEndpoint(endpoint, this.box);
    const inserted = this.statements.insert.run({ ...row, now: Date.now() }).changes === 1;
    if (inserted) this.cache.set(decodeWritten(row, endpoint));
    return inserted;
  }

  async replace(endpoint: StoredEndpoint): Promise<boolean> {
    const row = encodeEndpoint(endpoint, this.box);
    const replaced = this.statements.replace.run({ ...row, now: Date.now() }).changes === 1;
    if (replaced) {
      this.cache.set(decodeWritten(row, endpoint));
      checkpoint(this.db);
    }
    return replaced;
  }

  async delete(inferenceId: string): Promise<boolean> {
    const deleted = this.statements.delete.run(inferenceId).changes === 1;
    if (deleted) {
      this.cache.delete(inferenceId);
      checkpoint(this.db);
    }
    return deleted;
  }

  /** Only this process writes the file. */
  onRemoteChange(): void {}

  /** The database is closed by its owner (the server), once every store is done with it. */
  async close(): Promise<void> {}
}

/** The old sealed secrets of a replaced or deleted row stay in the WAL until it is checkpointed: copy it into the
 * (secure_delete) database file and truncate it, so that no copy of the files holds them. */
export function checkpoint(db: SqliteDatabase): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/** Rows from before sealing keep their secrets in plain JSON: seal them, then rewrite the file so that no free page
 * or WAL frame keeps the plaintext. */
function sealPlaintextRows(db: SqliteDatabase, box: SecretBox): void {
  const rows = db.prepare<[], Pick<EndpointRow, 'inference_id' | 'secrets'>>('SELECT inference_id, secrets FROM endpoints').all();
  const plaintext = rows.filter((row) => !isSealed(row.secrets));
  if (plaintext.length === 0) return;
  const update = db.prepare('UPDATE endpoints SET secrets = ? WHERE inference_id = ?');
  db.transaction(() => {
    for (const row of plaintext) update.run(box.seal(row.secrets, row.inference_id), row.inference_id);
  })();
  compact(db);
}

/** VACUUM rebuilds the file without free pages; the checkpoints before and after leave an empty WAL. */
export function compact(db: SqliteDatabase): void {
  checkpoint(db);
  db.exec('VACUUM');
  checkpoint(db);
}
