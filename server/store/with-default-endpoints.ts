/** Default endpoints (reference §9.3) exist before anyone creates them: this store hands them out on first read
 * and persists them then, so that they behave like any stored endpoint afterwards. A deleted default comes back
 * on the next read. */
import type { EndpointStore, StoredEndpoint } from './endpoint-store';

export class StoreWithDefaultEndpoints implements EndpointStore {
  private readonly defaults: Map<string, StoredEndpoint>;

  constructor(private readonly inner: EndpointStore, defaults: readonly StoredEndpoint[]) {
    this.defaults = new Map(defaults.map((endpoint) => [endpoint.inferenceId, endpoint]));
  }

  isDefault(inferenceId: string): boolean {
    return this.defaults.has(inferenceId);
  }

  get(inferenceId: string): StoredEndpoint | undefined {
    return this.inner.get(inferenceId) ?? this.materialise(inferenceId);
  }

  list(): StoredEndpoint[] {
    const stored = this.inner.list();
    const present = new Set(stored.map((endpoint) => endpoint.inferenceId));
    const missing = [...this.defaults.keys()].filter((id) => !present.has(id));
    for (const id of missing) this.materialise(id);
    return missing.length > 0 ? this.inner.list() : stored;
  }

  insert(endpoint: StoredEndpoint): boolean {
    return this.inner.insert(endpoint);
  }

  replace(endpoint: StoredEndpoint): boolean {
    return this.inner.replace(endpoint);
  }

  delete(inferenceId: string): boolean {
    return this.inner.delete(inferenceId);
  }

  close(): void {
    this.inner.close();
  }

  private materialise(inferenceId: string): StoredEndpoint | undefined {
    const endpoint = this.defaults.get(inferenceId);
    if (!endpoint) return undefined;
    this.inner.insert(structuredClone(endpoint));
    return this.inner.get(inferenceId);
  }
}
