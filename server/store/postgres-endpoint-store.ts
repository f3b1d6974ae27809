/**
 * Endpoints in PostgreSQL, shared by every replica on the database (INFERGATE_DATABASE_URL). Each replica keeps all
 * endpoints in memory (reads never wait for the database). A write is one statement that also NOTIFYs
 * `infergate_endpoints` with the endpoint id, so it commits and notifies together or not at all; every replica
 * LISTENs, re-reads that id and reports what changed. Writes, re-reads and reloads of one process run one at a time
 * (a SerialQueue): a re-read that started before this process's own write cannot overwrite it afterwards.
 */
import type pg from 'pg';
import type { Logger } from '../logger';
import type { SecretBox } from '../security/secret-box';
import { EndpointCache } from './endpoint-cache';
import { decodeEndpoint, decodeWritten, encodeEndpoint, type EndpointRow } from './endpoint-codec';
import type { EndpointChange, EndpointStore, StoredEndpoint } from './endpoint-store';
import { migrate } from './postgres-migrations';
import { PostgresListener } from './postgres-listener';
import { redactError } from './postgres-pool';
import { SerialQueue } from './serial-queue';

export const ENDPOINTS_CHANNEL = 'infergate_endpoints';

type Row = EndpointRow & { revision: string };

const COLUMNS = 'inference_id, task_type, service, config, secrets, revision::text AS revision';

const INSERT = `
  WITH inserted AS (
    INSERT INTO endpoints (inference_id, task_type, service, config, secrets, revision)
    VALUES ($1, $2, $3, $4::json, $5, nextval('endpoint_revision'))
    ON CONFLICT (inference_id) DO NOTHING
    RETURNING inference_id, revision)
  SELECT revision::text, pg_notify('${ENDPOINTS_CHANNEL}', inference_id) FROM inserted`;

const REPLACE = `
  WITH updated AS (
    UPDATE endpoints SET task_type = $2, service = $3, config = $4::json, secrets = $5,
      revision = nextval('endpoint_revision'), updated_at = now()
    WHERE inference_id = $1
    RETURNING inference_id, revision)
  SELECT revision::text, pg_notify('${ENDPOINTS_CHANNEL}', inference_id) FROM updated`;

const DELETE = `
  WITH deleted AS (DELETE FROM endpoints WHERE inference_id = $1 RETURNING inference_id)
  SELECT pg_notify('${ENDPOINTS_CHANNEL}', inference_id) FROM deleted`;

export interface PostgresStoreOptions {
  pool: pg.Pool;
  /** For the LISTEN connection, which lives outside the pool. */
  url: string;
  box: SecretBox;
  logger: Logger;
  /** The store ends the pool when it closes (it was made for it). */
  ownsPool?: boolean;
}

export class PostgresEndpointStore implements EndpointStore {
  private readonly cache = new EndpointCache();
  private readonly revisions = new Map<string, string>();
  private readonly queue = new SerialQueue();
  /** Ids with a re-read queued and not yet started: a burst of notifications for one id costs one re-read. */
  private readonly pendingReads = new Set<string>();
  private readonly listeners: ((change: EndpointChange) => void)[] = [];
  private readonly listener: PostgresListener;

  private constructor(private readonly options: PostgresStoreOptions) {
    this.listener = new PostgresListener({
      url: options.url,
      channel: ENDPOINTS_CHANNEL,
      logger: options.logger,
      onNotification: (inferenceId) => this.reread(inferenceId),
      onConnected: (reconnect) => this.queue.run(() => this.reload(reconnect)),
    });
  }

  /** Migrates the schema, starts listening, then loads every endpoint (in that order: no change falls in between). */
  static async open(options: PostgresStoreOptions): Promise<PostgresEndpointStore> {
    await migrate(options.pool);
    const store = new PostgresEndpointStore(options);
    await store.listener.start();
    return store;
  }

  get(inferenceId: string): StoredEndpoint | undefined {
    return this.cache.get(inferenceId);
  }

  list(): StoredEndpoint[] {
    return this.cache.list();
  }

  insert(endpoint: StoredEndpoint): Promise<boolean> {
    return this.write(endpoint, INSERT);
  }

  replace(endpoint: StoredEndpoint): Promise<boolean> {
    return this.write(endpoint, REPLACE);
  }

  delete(inferenceId: string): Promise<boolean> {
    return this.queue.run(async () => {
      const { rowCount } = await this.query(DELETE, [inferenceId]);
      if (rowCount !== 1) return false;
      this.cache.delete(inferenceId);
      this.revisions.delete(inferenceId);
      return true;
    });
  }

  onRemoteChange(listener: (change: EndpointChange) => void): void {
    this.listeners.push(listener);
  }

  /** Stops listening and lets queued work finish. */
  async close(): Promise<void> {
    await this.listener.close();
    await this.queue.idle();
    if (this.options.ownsPool) await this.options.pool.end();
  }

  /** A query whose failure names no password (it may reach a client as an error's reason). */
  private async query<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.options.pool.query<R>(sql, values);
    } catch (error) {
      throw redactError(error, this.options.url);
    }
  }

  private write(endpoint: StoredEndpoint, sql: string): Promise<boolean> {
    const row = encodeEndpoint(endpoint, this.options.box);
    return this.queue.run(async () => {
      const { rows } = await this.query<{ revision: string }>(sql, [row.inference_id, row.task_type, row.service, row.config, row.secrets]);
      if (rows.length !== 1) return false;
      this.cache.set(decodeWritten(row, endpoint));
      this.revisions.set(endpoint.inferenceId, rows[0]!.revision);
      return true;
    });
  }

  private reread(inferenceId: string): void {
    if (this.pendingReads.has(inferenceId)) return;
    this.pendingReads.add(inferenceId);
    void this.queue
      .run(async () => {
        this.pendingReads.delete(inferenceId);
        const { rows } = await this.query<Row>(`SELECT ${COLUMNS} FROM endpoints WHERE inference_id = $1`, [inferenceId]);
        this.apply(inferenceId, rows[0]);
      })
      .catch((error: Error) => {
        // The LISTEN connection may well be down too; its reconnect reloads everything.
        this.options.logger.warn({ inferenceId, err: error.message }, 'could not re-read a changed endpoint');
      });
  }

  /** Every row, compared with what this process has: at start (nothing to report) and after a reconnect. */
  private async reload(report: boolean): Promise<void> {
    const { rows } = await this.query<Row>(`SELECT ${COLUMNS} FROM endpoints`);
    const present = new Set(rows.map((row) => row.inference_id));
    for (const row of rows) this.apply(row.inference_id, row, report);
    for (const inferenceId of this.cache.ids()) if (!present.has(inferenceId)) this.apply(inferenceId, undefined, report);
  }

  /** Brings one id to the row read (undefined: gone), and reports the change unless it is the one already held. */
  private apply(inferenceId: string, row: Row | undefined, report = true): void {
    if (row && this.revisions.get(inferenceId) === row.revision) return;
    const before = this.cache.get(inferenceId);
    if (!row && !before) return;
    let after: StoredEndpoint | undefined;
    if (row) {
      try {
        after = decodeEndpoint(row, this.options.box);
      } catch (error) {
        throw new Error(`endpoint [${inferenceId}] in the database cannot be opened (is INFERGATE_ENCRYPTION_KEY the key of the other replicas?): ${(error as Error).message}`);
      }
      this.cache.set(after);
      this.revisions.set(inferenceId, row.revision);
    } else {
      this.cache.delete(inferenceId);
      this.revisions.delete(inferenceId);
    }
    if (!report) return;
    for (const listener of this.listeners) {
      try {
        listener({ inferenceId, before, after });
      } catch (error) {
        this.options.logger.warn({ inferenceId, err: (error as Error).message }, 'a listener of endpoint changes failed');
      }
    }
  }
}
