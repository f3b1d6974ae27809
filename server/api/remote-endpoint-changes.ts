/** What another replica did to an endpoint, applied to this process's own state for it, as the local `_update` and
 * DELETE handlers do: token caches and local deployments follow an update; a deletion (or a re-creation under another
 * service or task type) also drops the rate-limit bucket and what the service held for the old endpoint. */
import type { Logger } from '../logger';
import type { RateLimitBackend } from '../providers/kit/rate-limit-backend';
import type { ProviderRegistry } from '../providers/registry';
import type { EndpointChange, EndpointStore } from '../store/endpoint-store';

export function followRemoteChanges(store: EndpointStore, providers: ProviderRegistry, limiters: RateLimitBackend, logger: Logger): void {
  store.onRemoteChange(({ inferenceId, before, after }: EndpointChange) => {
    logger.info({ inferenceId, change: !before ? 'created' : after ? 'updated' : 'deleted' }, 'inference endpoint changed by another replica');
    // Created elsewhere: nothing here holds state for it yet.
    if (!before) return;
    const provider = providers.get(before.service);
    const updated = after && after.service === before.service && after.taskType === before.taskType;
    let work: Promise<void> | undefined;
    if (updated) {
      // A copy: a service may rewrite fields of what it is given, and the store's copy is shared.
      work = provider.endpointUpdated?.({ ...after });
    } else {
      limiters.forget(inferenceId);
      work = provider.endpointRemoved?.(before, store.list().filter((other) => other.inferenceId !== inferenceId));
    }
    work?.catch((error: Error) => logger.warn({ inferenceId, err: error.message }, 'could not apply a change made by another replica'));
  });
}
