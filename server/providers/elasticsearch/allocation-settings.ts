/** From the stored `service_settings` of an elasticsearch endpoint to the engine's allocation settings, with the
 * checks Elasticsearch makes when it starts a deployment. */
import { actionRequestValidationException, validationException } from '../../http/errors';
import type { AllocationSettings } from '../../engine/deployment';
import type { Settings } from '../../store/endpoint-store';

const MAX_THREADS = 32;

interface AdaptiveSettings {
  enabled?: boolean;
  min_number_of_allocations?: number;
  max_number_of_allocations?: number;
}

export function allocationSettings(settings: Settings, defaultMaxAllocations: number): AllocationSettings {
  const threads = Number(settings.num_threads ?? 1);
  if (threads > MAX_THREADS || (threads & (threads - 1)) !== 0) {
    throw actionRequestValidationException([`[threads_per_allocation] must be a power of 2 less than or equal to ${MAX_THREADS}`]);
  }
  const adaptive = settings.adaptive_allocations as AdaptiveSettings | undefined;
  const min = adaptive?.min_number_of_allocations ?? 0;
  const max = adaptive?.max_number_of_allocations ?? defaultMaxAllocations;
  if (min > max) throw validationException(['[min_number_of_allocations] must not be larger than [max_number_of_allocations]']);
  return {
    threads,
    allocations: typeof settings.num_allocations === 'number' ? settings.num_allocations : undefined,
    adaptive: adaptive ? { enabled: adaptive.enabled === true, min, max } : undefined,
  };
}
