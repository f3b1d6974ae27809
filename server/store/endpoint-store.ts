/** Where endpoints live: SQLite (embedded, the default) or PostgreSQL (shared by replicas). Reads are synchronous,
 * from the store's in-memory copy of every endpoint (the hot path never waits for a database); writes are async and
 * resolve once the database has committed them. */
import type { TaskType } from '../task-type';

export type Settings = Record<string, unknown>;

export interface StoredEndpoint {
  inferenceId: string;
  taskType: TaskType;
  service: string;
  /** Public service settings, defaults filled in, secrets removed. */
  serviceSettings: Settings;
  taskSettings: Settings;
  chunkingSettings?: Settings;
  /** Secret settings (api_key, client_secret, ...): never returned, logged or put in an error. */
  secrets: Settings;
  /** Bookkeeping that is stored but not shown, e.g. whether the user set `dimensions`. */
  internal: Settings;
}

/** An endpoint another process created, replaced or deleted (before: what this process had; after: what it has now). */
export interface EndpointChange {
  inferenceId: string;
  before: StoredEndpoint | undefined;
  after: StoredEndpoint | undefined;
}

export interface EndpointStore {
  /** The endpoint as this process last saw it; shared with other readers: do not modify it. */
  get(inferenceId: string): StoredEndpoint | undefined;
  /** Every endpoint, sorted by id. */
  list(): StoredEndpoint[];
  /** Stores a new endpoint; false when the id is taken (atomically: of two concurrent inserts one wins, in this
   * process or across replicas). */
  insert(endpoint: StoredEndpoint): Promise<boolean>;
  /** Replaces an existing endpoint; false when it does not exist. */
  replace(endpoint: StoredEndpoint): Promise<boolean>;
  delete(inferenceId: string): Promise<boolean>;
  /** Called for every change another process made (a shared database); never for this process's own writes. */
  onRemoteChange(listener: (change: EndpointChange) => void): void;
  close(): Promise<void>;
}
