/** Endpoints in the `endpoints` table of the server's SQLite database. */
import type { SqliteDatabase } from './database';
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

function toRow(endpoint: StoredEndpoint): Row {
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
    secrets: JSON.stringify(endpoint.secrets),
  };
}

function fromRow(row: Row): StoredEndpoint {
  const config = JSON.parse(row.config) as StoredConfig;
  return {
    inferenceId: row.inference_id,
    taskType: row.task_type as TaskType,
    service: row.service,
    serviceSettings: config.service_settings,
    taskSettings: config.task_settings,
    chunkingSettings: config.chunking_settings,
    internal: config.internal ?? {},
    secrets: JSON.parse(row.secrets) as StoredEndpoint['secrets'],
  };
}

export class SqliteEndpointStore implements EndpointStore {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    this.db.exec(SCHEMA);
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
    return row ? fromRow(row) : undefined;
  }

  list(): StoredEndpoint[] {
    return this.statements.list.all().map(fromRow);
  }

  insert(endpoint: StoredEndpoint): boolean {
    return this.statements.insert.run({ ...toRow(endpoint), now: Date.now() }).changes === 1;
  }

  replace(endpoint: StoredEndpoint): boolean {
    return this.statements.replace.run({ ...toRow(endpoint), now: Date.now() }).changes === 1;
  }

  delete(inferenceId: string): boolean {
    return this.statements.delete.run(inferenceId).changes === 1;
  }

  /** The database is closed by its owner (the server), once every store is done with it. */
  close(): void {}
}
