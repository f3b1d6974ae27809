/** How an endpoint is laid out in a database row, the same in SQLite and PostgreSQL: the public settings as one JSON
 * document, the secret settings as a SecretBox seal bound to the endpoint id. */
import type { SecretBox } from '../security/secret-box';
import type { TaskType } from '../task-type';
import type { StoredEndpoint } from './endpoint-store';

export interface EndpointRow {
  inference_id: string;
  task_type: string;
  service: string;
  /** The StoredConfig's JSON text (SQLite) or the parsed document (PostgreSQL's jsonb). */
  config: string | StoredConfig;
  secrets: string;
}

export interface StoredConfig {
  service_settings: StoredEndpoint['serviceSettings'];
  task_settings: StoredEndpoint['taskSettings'];
  chunking_settings?: StoredEndpoint['chunkingSettings'];
  internal: StoredEndpoint['internal'];
}

export function encodeEndpoint(endpoint: StoredEndpoint, box: SecretBox): EndpointRow & { config: string } {
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

export function decodeEndpoint(row: EndpointRow, box: SecretBox): StoredEndpoint {
  return endpointOf(row, JSON.parse(box.open(row.secrets, row.inference_id)) as StoredEndpoint['secrets']);
}

/** What a read of the row just written would give, without opening the seal again: the copy a store keeps after
 * its own write (JSON-shaped, so not shared with the caller's object). */
export function decodeWritten(row: EndpointRow, endpoint: StoredEndpoint): StoredEndpoint {
  return endpointOf(row, JSON.parse(JSON.stringify(endpoint.secrets)) as StoredEndpoint['secrets']);
}

function endpointOf(row: EndpointRow, secrets: StoredEndpoint['secrets']): StoredEndpoint {
  const config = (typeof row.config === 'string' ? JSON.parse(row.config) : row.config) as StoredConfig;
  return {
    inferenceId: row.inference_id,
    taskType: row.task_type as TaskType,
    service: row.service,
    serviceSettings: config.service_settings,
    taskSettings: config.task_settings,
    chunkingSettings: config.chunking_settings,
    internal: config.internal ?? {},
    secrets,
  };
}
