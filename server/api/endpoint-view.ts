/** An endpoint as PUT, GET and _update show it (reference §3): fixed key order, secrets and bookkeeping left out,
 * empty task settings omitted. */
import type { components } from '../../generated/openapi';
import type { StoredEndpoint } from '../store/endpoint-store';

export type EndpointInfo = components['schemas']['EndpointInfo'];

export function endpointInfo(endpoint: StoredEndpoint): EndpointInfo {
  const info: EndpointInfo = {
    inference_id: endpoint.inferenceId,
    task_type: endpoint.taskType,
    service: endpoint.service,
    service_settings: endpoint.serviceSettings,
  };
  if (Object.keys(endpoint.taskSettings).length > 0) info.task_settings = endpoint.taskSettings;
  if (endpoint.chunkingSettings) info.chunking_settings = endpoint.chunkingSettings;
  return info;
}
