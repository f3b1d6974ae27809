/** The local inference engine: the installed models and the running deployments, by deployment id. */
import type { Config } from '../config';
import type { Logger } from '../logger';
import { type AllocationSettings, Deployment } from './deployment';
import { LocalCapacity } from './local-capacity';
import { ModelLibrary } from './model-library';

export class LocalEngine {
  readonly library: ModelLibrary;
  private readonly deployments = new Map<string, Deployment>();
  private readonly starting = new Map<string, Promise<Deployment>>();

  private readonly capacity: LocalCapacity;

  constructor(private readonly config: Config, private readonly logger: Logger) {
    this.library = new ModelLibrary(config.modelsDirs);
    this.capacity = new LocalCapacity({ maxThreads: config.maxLocalThreads, maxMemoryBytes: config.maxLocalMemoryBytes, cpus: config.cpus });
  }

  /** Changes a running deployment's allocations, if the engine can hold what they ask for (else throws the 400). */
  updateSettings(deploymentId: string, settings: AllocationSettings): void {
    const deployment = this.deployments.get(deploymentId);
    if (!deployment) return;
    this.capacity.reserve(deploymentId, deployment.dir, settings);
    deployment.updateSettings(settings);
  }

  get(deploymentId: string): Deployment | undefined {
    return this.deployments.get(deploymentId);
  }

  /** Running, or being started. */
  has(deploymentId: string): boolean {
    return this.deployments.has(deploymentId) || this.starting.has(deploymentId);
  }

  list(): Deployment[] {
    return [...this.deployments.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Starts a deployment (or joins one being started); resolves once an allocation has loaded the model. */
  deploy(deploymentId: string, modelId: string, dir: string, settings: AllocationSettings): Promise<Deployment> {
    const running = this.deployments.get(deploymentId);
    if (running) return Promise.resolve(running);
    let start = this.starting.get(deploymentId);
    if (!start) {
      this.capacity.reserve(deploymentId, dir, settings);
      const deployment = new Deployment({
        id: deploymentId,
        modelId,
        dir,
        settings,
        queueCapacity: this.config.queueCapacity,
        maxBatchSize: this.config.maxBatchSize,
        scaleDownAfterMs: this.config.adaptiveScaleDownAfterMs,
        scaleToZeroAfterMs: this.config.adaptiveScaleToZeroAfterMs,
        cpus: this.config.cpus,
        logger: this.logger,
      });
      start = deployment.start().then(() => {
        this.deployments.set(deploymentId, deployment);
        this.logger.info({ deployment: deploymentId, model: modelId }, 'deployment started');
        return deployment;
      });
      start.catch(() => this.capacity.release(deploymentId));
      start.finally(() => this.starting.delete(deploymentId)).catch(() => undefined);
      this.starting.set(deploymentId, start);
    }
    return start;
  }

  async undeploy(deploymentId: string): Promise<void> {
    const deployment = this.deployments.get(deploymentId);
    if (!deployment) return;
    this.deployments.delete(deploymentId);
    this.capacity.release(deploymentId);
    await deployment.stop();
    this.logger.info({ deployment: deploymentId }, 'deployment stopped');
  }

  async close(): Promise<void> {
    await Promise.all([...this.starting.values()].map((start) => start.catch(() => undefined)));
    await Promise.all(this.list().map((deployment) => deployment.stop()));
    this.deployments.clear();
  }
}
