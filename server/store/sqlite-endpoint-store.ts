/** Endpoints in the `endpoints` table of the server's SQLite database. The `secrets` column holds the secret
 * settings sealed by a SecretBox (bound to the endpoint id); rows written before that are sealed at open. */
import type { SqliteDatabase } from './database';
import { isSealed, type SecretBox } from '../security/secret-box';
import type { EndpointStore, StoredEndpoint } from './endpoint-store';
import type { TaskType } from '../task-type';

interface Row {
  inference_id: string;
  task_type: string;
  service: string;
  config: string;
  secrets: string;
}

interface StoredConfig {
  service_settings: StoredEndpoint['serviceSettings'];
  task_settings: StoredEndpoint['taskSettings'];
  chunking_settings?: StoredEndpoint['chunkingSettings'];
  internal: StoredEndpoint['internal'];
}

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

function toRow(endpoint: StoredEndpoint, box: SecretBox): Row {
  const config: StoredConfig = {
    service_settings: endpoint.serviceSettings,
    task_settings: endpoint.taskSettings,
    chunking_settings: endpoint.chunkingSettings,
    internal: endpoint.internal,
  };
  return {
    inference_id: endpoint.inferenceId,
    task_type: endpoint.taskType,
    service: endpoint.service,
    config: JSON.stringify(config),
    secrets: box.seal(JSON.stringify(endpoint.secrets), endpoint.inferenceId),
  };
}

function fromRow(row: Row, box: SecretBox): StoredEndpoint {
  const config = JSON.parse(row.config) as StoredConfig;
  return {
    inferenceId: row.inference_id,
    taskType: row.task_type as TaskType,
    service: row.service,
    serviceSettings: config.service_settings,
    taskSettings: config.task_settings,
    chunkingSettings: config.chunking_settings,
    internal: config.internal ?? {},
    secrets: JSON.parse(box.open(row.secrets, row.inference_id)) as StoredEndpoint['secrets'],
  };
}

export class SqliteEndpointStore implements EndpointStore {
  private readonly statements;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly box: SecretBox,
  ) {
    this.db.exec(SCHEMA);
    sealPlaintextRows(db, box);
    this.statements = {
      get: this.db.prepare<[string], Row>('SELECT * FROM endpoints WHERE inference_id = ?'),
      list: this.db.prepare<[], Row>('SELECT * FROM endpoints ORDER BY inference_id'),
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
  }

  get(inferenceId: string): StoredEndpoint | undefined {
    const row = this.statements.get.get(inferenceId);
    return row ? fromRow(row, this.box) : undefined;
  }

  list(): StoredEndpoint[] {
    return this.statements.list.all().map((row) => fromRow(row, this.box));
  }

  insert(endpoint: StoredEndpoint): boolean {
    return this.statements.insert.run({ ...toRow(endpoint, this.box), now: Date.now() }).changes === 1;
  }

  replace(endpoint: StoredEndpoint): boolean {
    const replaced = this.statements.replace.run({ ...toRow(endpoint, this.box), now: Date.now() }).changes === 1;
    if (replaced) checkpoint(this.db);
    return replaced;
  }

  delete(inferenceId: string): boolean {
    const deleted = this.statements.delete.run(inferenceId).changes === 1;
    if (deleted) checkpoint(this.db);
    return deleted;
  }

  /** The database is closed by its owner (the server), once every store is done with it. */
  close(): void {}
}

/** The old sealed secrets of a replaced or deleted row stay in the WAL until it is checkpointed: copy it into the
 * (secure_delete) database file and truncate it, so that no copy of the files holds them. */
export function checkpoint(db: SqliteDatabase): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/** Rows from before sealing keep their secrets in plain JSON: seal them, then rewrite the file so that no free page
 * or WAL frame keeps the plaintext. */
function sealPlaintextRows(db: SqliteDatabase, box: SecretBox): void {
  const rows = db.prepare<[], Pick<Row, 'inference_id' | 'secrets'>>('SELECT inference_id, secrets FROM endpoints').all();
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
