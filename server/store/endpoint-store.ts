/** Where endpoints live. SQLite is the one implementation today; the interface keeps the rest of the server
 * independent of it. */
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

export interface EndpointStore {
  get(inferenceId: string): StoredEndpoint | undefined;
  /** Every endpoint, sorted by id. */
  list(): StoredEndpoint[];
  /** Stores a new endpoint; false when the id is taken (atomically: of two concurrent inserts one wins). */
  insert(endpoint: StoredEndpoint): boolean;
  /** Replaces an existing endpoint; false when it does not exist. */
  replace(endpoint: StoredEndpoint): boolean;
  delete(inferenceId: string): boolean;
  close(): void;
}
