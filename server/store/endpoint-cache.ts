/** Every endpoint of a store, in memory: what reads are served from. The sorted list is kept until the next change. */
import type { StoredEndpoint } from './endpoint-store';

export class EndpointCache {
  private readonly byId = new Map<string, StoredEndpoint>();
  private sorted: StoredEndpoint[] | undefined;

  get(inferenceId: string): StoredEndpoint | undefined {
    return this.byId.get(inferenceId);
  }

  /** Sorted by id; a fresh array each time (callers filter and splice it), over the shared endpoints. */
  list(): StoredEndpoint[] {
    this.sorted ??= [...this.byId.values()].sort((a, b) => (a.inferenceId < b.inferenceId ? -1 : a.inferenceId > b.inferenceId ? 1 : 0));
    return [...this.sorted];
  }

  set(endpoint: StoredEndpoint): void {
    this.byId.set(endpoint.inferenceId, endpoint);
    this.sorted = undefined;
  }

  delete(inferenceId: string): void {
    if (this.byId.delete(inferenceId)) this.sorted = undefined;
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }
}
