/** An endpoint as PUT, GET and _update show it (reference §3): fixed key order, secrets and bookkeeping left out,
 * empty task settings omitted. */
import type { components } from '../../generated/openapi';
import type { ProviderRegistry } from '../providers/registry';
import type { StoredEndpoint } from '../store/endpoint-store';

export type EndpointInfo = components['schemas']['EndpointInfo'];

/** The endpoint with the settings its service reports live (e.g. the current `num_allocations`) in front. */
export function liveEndpointInfo(providers: ProviderRegistry, endpoint: StoredEndpoint): EndpointInfo {
  const live = providers.get(endpoint.service).liveServiceSettings?.(endpoint);
  if (!live || Object.keys(live).length === 0) return endpointInfo(endpoint);
  return endpointInfo({ ...endpoint, serviceSettings: { ...live, ...withoutKeys(endpoint.serviceSettings, Object.keys(live)) } });
}

const withoutKeys = (settings: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(Object.entries(settings).filter(([key]) => !keys.includes(key)));

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
