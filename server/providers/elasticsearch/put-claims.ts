/**
 * Which deployments an unfinished PUT holds. A PUT that fails after its deployment started must stop it (else it
 * runs on, holding local capacity, with no endpoint to delete), but only a deployment that PUT started: one that
 * another endpoint, stored or still being PUT, holds must stay.
 */
import type { StoredEndpoint } from '../../store/endpoint-store';

export class PutClaims {
  /** deployment id → the endpoints of unfinished PUTs that use it. */
  private readonly claims = new Map<string, Set<StoredEndpoint>>();
  /** Deployments no stored endpoint holds: started by a PUT not yet stored, or left to PUTs by a DELETE. */
  private readonly unowned = new Set<string>();

  /** An unfinished PUT uses the deployment; `started` when this PUT is the one that starts it. */
  claim(deploymentId: string, endpoint: StoredEndpoint, started: boolean): void {
    let holders = this.claims.get(deploymentId);
    if (!holders) this.claims.set(deploymentId, (holders = new Set()));
    holders.add(endpoint);
    if (started) this.unowned.add(deploymentId);
  }

  /** The PUT ended; returns the deployment ids it used. */
  private drop(endpoint: StoredEndpoint): string[] {
    const used: string[] = [];
    for (const [deploymentId, holders] of this.claims) {
      if (!holders.delete(endpoint)) continue;
      used.push(deploymentId);
      if (holders.size === 0) this.claims.delete(deploymentId);
    }
    return used;
  }

  /** The PUT stored its endpoint: what it uses is owned from now on. */
  stored(endpoint: StoredEndpoint): void {
    for (const deploymentId of this.drop(endpoint)) this.unowned.delete(deploymentId);
  }

  /** The PUT failed: the deployments to stop, those it used that nobody else holds (`inUse`: a stored endpoint
   * uses it). */
  failed(endpoint: StoredEndpoint, inUse: (deploymentId: string) => boolean): string[] {
    const orphans: string[] = [];
    for (const deploymentId of this.drop(endpoint)) {
      if (!this.unowned.has(deploymentId) || this.claims.has(deploymentId)) continue;
      this.unowned.delete(deploymentId);
      if (!inUse(deploymentId)) orphans.push(deploymentId);
    }
    return orphans;
  }

  /** DELETE of the last stored endpoint on a deployment: whether an unfinished PUT still holds it (then that PUT
   * stops it if it fails). */
  heldByPut(deploymentId: string): boolean {
    if (!this.claims.has(deploymentId)) return false;
    this.unowned.add(deploymentId);
    return true;
  }
}
