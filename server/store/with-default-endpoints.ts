/** Default endpoints (reference §9.3) exist before anyone creates them: reads hand out the default until a stored
 * endpoint of that id exists; the first `_update` stores it, and from then on it is an endpoint like any other. A
 * deleted default comes back on the next read. Reads never write (they are synchronous, from memory). */
import type { EndpointChange, EndpointStore, StoredEndpoint } from './endpoint-store';

export class StoreWithDefaultEndpoints implements EndpointStore {
  private readonly defaults: Map<string, StoredEndpoint>;

  constructor(private readonly inner: EndpointStore, defaults: readonly StoredEndpoint[]) {
    this.defaults = new Map(defaults.map((endpoint) => [endpoint.inferenceId, endpoint]));
  }

  isDefault(inferenceId: string): boolean {
    return this.defaults.has(inferenceId);
  }

  get(inferenceId: string): StoredEndpoint | undefined {
    return this.inner.get(inferenceId) ?? this.defaults.get(inferenceId);
  }

  list(): StoredEndpoint[] {
    const stored = this.inner.list();
    const missing = [...this.defaults.values()].filter((endpoint) => !this.inner.get(endpoint.inferenceId));
    if (missing.length === 0) return stored;
    return [...stored, ...missing].sort((a, b) => (a.inferenceId < b.inferenceId ? -1 : a.inferenceId > b.inferenceId ? 1 : 0));
  }

  insert(endpoint: StoredEndpoint): Promise<boolean> {
    return this.inner.insert(endpoint);
  }

  /** A default not stored yet is stored by its first replacement (inserted; or replaced, if another replica was
   * quicker). */
  async replace(endpoint: StoredEndpoint): Promise<boolean> {
    if (await this.inner.replace(endpoint)) return true;
    if (!this.isDefault(endpoint.inferenceId)) return false;
    return (await this.inner.insert(endpoint)) || this.inner.replace(endpoint);
  }

  delete(inferenceId: string): Promise<boolean> {
    return this.inner.delete(inferenceId);
  }

  onRemoteChange(listener: (change: EndpointChange) => void): void {
    this.inner.onRemoteChange(listener);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
