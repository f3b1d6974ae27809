/**
 * INFERGATE_AUTO_PULL: a built-in model id whose directory is not installed is pulled from the hub (its recommended
 * repository) when an endpoint needs it, as Elasticsearch downloads its built-in models. Concurrent needs of one
 * model share one pull; a pull that fails is a 400 (a provider fault, as reference §11 answers those) naming the
 * model and the hub.
 */
import { statusException } from '../../http/errors';
import type { Config } from '../../config';
import type { ModelLibrary } from '../../engine/model-library';
import type { Logger } from '../../logger';
import { pullModel } from '../../model-hub/pull';
import { RECOMMENDED } from '../../model-hub/recommended';
import { portableModelId, type ModelResolver } from './model-resolution';

export class AutoPull {
  private readonly pulls = new Map<string, Promise<void>>();

  constructor(
    private readonly config: Config,
    private readonly resolver: ModelResolver,
    private readonly library: ModelLibrary,
    private readonly logger: Logger,
  ) {}

  /** Resolves once the model is installed, pulling it first when it is a missing built-in one (else does nothing). */
  async ensure(modelId: string): Promise<void> {
    if (!this.config.autoPull) return;
    const dir = this.resolver.builtinDirectory(modelId);
    const recommended = RECOMMENDED[portableModelId(modelId)];
    if (!dir || !recommended || this.library.find(dir)) return;
    let pull = this.pulls.get(dir);
    if (!pull) {
      this.logger.info({ model_id: modelId, repo: recommended.repo }, 'pulling a built-in model');
      // The download is not bound to the request's timeout: a client that gives up leaves the model to the next one.
      pull = pullModel({ repo: recommended.repo, file: recommended.file, manifest: recommended.manifest, name: dir, modelsDir: this.config.modelsDirs[0], hub: this.config.hub })
        .then(() => undefined)
        .finally(() => this.pulls.delete(dir));
      this.pulls.set(dir, pull);
    }
    try {
      await pull;
    } catch (error) {
      throw statusException(400, `Could not download model [${modelId}] from [${this.config.hub.endpoint}/${recommended.repo}]: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
