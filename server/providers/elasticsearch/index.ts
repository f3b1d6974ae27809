/**
 * The `elasticsearch` service (and its alias `elser`): models run in-process by the local ONNX engine. Each
 * endpoint is its own deployment of its model (deployment id = inference id, or the `deployment_id` it reuses).
 */
import { badRequest, EsError, resourceNotFound } from '../../http/errors';
import { LocalEngine } from '../../engine/local-engine';
import type { Deployment } from '../../engine/deployment';
import type { LocalTaskType, ModelPlan } from '../../engine/model-plan';
import type { SparseVector } from '../../engine/model-runner';
import type { TextItem } from '../../engine/model-tokenizer';
import type { Settings, StoredEndpoint } from '../../store/endpoint-store';
import type { CallContext, InferenceProvider, ProviderDependencies, RerankResult, TrainedModelStats } from '../types';
import { allocationSettings } from './allocation-settings';
import { elasticsearchDefaultEndpoints } from './default-endpoints';
import { ModelResolver } from './model-resolution';
import { AutoPull } from './auto-pull';
import { PutClaims } from './put-claims';
import { deploymentStats } from './trained-model-stats';

/** Elasticsearch's names for what a trained model does, as its task-mismatch message prints them. */
const MODEL_TYPES: Record<LocalTaskType, string> = {
  text_embedding: 'text_embedding',
  sparse_embedding: 'text_expansion',
  rerank: 'text_similarity',
};

const DEFAULT_MAX_ALLOCATIONS = 32;

/** Elasticsearch prints these settings in this order (reference §9.1). */
const OUTPUT_ORDER = ['num_allocations', 'num_threads', 'model_id', 'adaptive_allocations', 'deployment_id', 'dimensions', 'similarity'];

function inOutputOrder(settings: Settings): Settings {
  const rank = (key: string) => (OUTPUT_ORDER.includes(key) ? OUTPUT_ORDER.indexOf(key) : OUTPUT_ORDER.length);
  return Object.fromEntries(Object.entries(settings).sort(([a], [b]) => rank(a) - rank(b)));
}

const deploymentIdOf = (endpoint: StoredEndpoint): string => String(endpoint.serviceSettings.deployment_id ?? endpoint.inferenceId);

const usedBy = (endpoints: readonly StoredEndpoint[], service: string, deploymentId: string): boolean =>
  endpoints.some((other) => other.service === service && deploymentIdOf(other) === deploymentId);

function inputTypeOf(inputType: string | undefined): TextItem['inputType'] {
  const normalised = inputType?.toLowerCase();
  return normalised === 'search' || normalised === 'ingest' ? normalised : undefined;
}

export function createProvider({ config, logger }: ProviderDependencies): InferenceProvider {
  const engine = new LocalEngine(config, logger);
  const resolver = new ModelResolver(config.builtinModels, engine.library);
  const autoPull = new AutoPull(config, resolver, engine.library, logger);
  const claims = new PutClaims();

  /** A PUT's endpoint (`claimant`) holds the deployment it is about to use until the PUT ends. */
  const claim = (deploymentId: string, claimant: StoredEndpoint | undefined) => {
    if (claimant) claims.claim(deploymentId, claimant, !engine.has(deploymentId));
  };

  function checkTask(plan: ModelPlan, modelId: string, taskType: string): void {
    if (plan.taskType !== taskType) {
      throw badRequest(`Deployed model [${modelId}] with type [${MODEL_TYPES[plan.taskType]}] does not match the requested task type [${taskType}]`);
    }
  }

  /** The endpoint's running deployment, started on demand (after a restart, or for a default endpoint). */
  async function deploymentFor(endpoint: StoredEndpoint, claimant?: StoredEndpoint): Promise<Deployment> {
    const settings = endpoint.serviceSettings;
    const modelId = String(settings.model_id);
    claim(deploymentIdOf(endpoint), claimant);
    let deployment = engine.get(deploymentIdOf(endpoint));
    if (!deployment) {
      await autoPull.ensure(modelId);
      const model = resolver.resolve(modelId, { elserAlias: endpoint.internal.alias === 'elser' });
      deployment = await engine.deploy(deploymentIdOf(endpoint), modelId, model.dir, allocationSettings(settings, DEFAULT_MAX_ALLOCATIONS)).catch(
        (error: Error) => {
          if (error instanceof EsError) throw error;
          throw badRequest(`Model [${modelId}] cannot be served by the local engine: ${error.message}`);
        },
      );
    }
    checkTask(deployment.plan!, modelId, endpoint.taskType);
    return deployment;
  }

  async function infer<T>(context: CallContext, items: TextItem[], claimant?: StoredEndpoint): Promise<T[]> {
    const deployment = await deploymentFor(context.endpoint, claimant);
    return (await deployment.infer(items, context.deadline.signal)) as T[];
  }

  /** A deployment named after a model (Elasticsearch's default deployment id) is started on demand. */
  async function deploymentNamed(deploymentId: string, claimant?: StoredEndpoint): Promise<Deployment | undefined> {
    claim(deploymentId, claimant);
    const running = engine.get(deploymentId);
    if (running) return running;
    let model;
    try {
      model = resolver.resolve(deploymentId);
    } catch {
      return undefined;
    }
    return engine.deploy(deploymentId, deploymentId, model.dir, { threads: 1, allocations: 1 });
  }

  /** Reusing a deployment: it must exist and run the same model; its settings become the endpoint's. */
  async function adoptDeployment(endpoint: StoredEndpoint): Promise<Settings> {
    const deploymentId = String(endpoint.serviceSettings.deployment_id);
    const deployment = await deploymentNamed(deploymentId, endpoint);
    if (!deployment) throw resourceNotFound(`Cannot find deployment [${deploymentId}]`);
    const requested = endpoint.serviceSettings.model_id;
    if (requested !== undefined && requested !== deployment.modelId) {
      throw badRequest(`Deployment [${deploymentId}] uses model [${deployment.modelId}] which does not match the model [${String(requested)}] in the request.`);
    }
    const { allocations, threads, adaptive } = deployment.settings;
    return {
      ...(allocations !== undefined && !adaptive?.enabled ? { num_allocations: allocations } : {}),
      num_threads: threads,
      model_id: deployment.modelId,
      ...(adaptive
        ? { adaptive_allocations: { enabled: adaptive.enabled, min_number_of_allocations: adaptive.min, max_number_of_allocations: adaptive.max } }
        : {}),
      deployment_id: deploymentId,
    };
  }

  /** The settings an endpoint will have once its deployment starts; the model must be there. A deployment id that
   * names a model stands for that model's default deployment (one allocation, one thread), as when adopted. */
  function settingsWithoutStart(endpoint: StoredEndpoint): Settings {
    const settings = endpoint.serviceSettings;
    if (settings.model_id === undefined) {
      const deploymentId = deploymentIdOf(endpoint);
      try {
        resolver.resolve(deploymentId);
      } catch {
        throw resourceNotFound(`Cannot find deployment [${deploymentId}]`);
      }
      return { num_allocations: 1, num_threads: 1, model_id: deploymentId, ...settings };
    }
    resolver.resolve(String(settings.model_id), { elserAlias: endpoint.internal.alias === 'elser' });
    return settings;
  }

  return {
    async prepareEndpoint({ endpoint }, { start }) {
      // Without a start (INFERGATE_SKIP_VALIDATION, Elasticsearch's skip_validate_and_start) the model must exist and
      // loads on first use; what only a loaded model tells (dimensions) stays unknown, as in Elasticsearch.
      if (!start && !engine.get(deploymentIdOf(endpoint))) {
        return inOutputOrder(settingsWithoutStart(endpoint));
      }
      if (endpoint.serviceSettings.deployment_id !== undefined) Object.assign(endpoint.serviceSettings, await adoptDeployment(endpoint));
      const deployment = await deploymentFor(endpoint, endpoint);
      const { dimensions, similarity } = deployment.plan!;
      const learned = endpoint.taskType === 'text_embedding' ? { dimensions, similarity } : {};
      return inOutputOrder({ ...endpoint.serviceSettings, ...learned });
    },

    async validateEndpoint(context) {
      await infer(context, [{ text: 'infergate validation' }], context.endpoint);
      return {};
    },

    async textEmbedding(context, { input, inputType }) {
      const vectors = await infer<number[]>(context, input.map((text) => ({ text, inputType: inputTypeOf(inputType) })));
      return { text_embedding: vectors.map((embedding) => ({ embedding })) };
    },

    async sparseEmbedding(context, { input }) {
      return { sparse_embedding: await infer<SparseVector>(context, input.map((text) => ({ text }))) };
    },

    async rerank(context, { input, query, topN, returnDocuments }) {
      const scores = await infer<number>(context, input.map((passage) => ({ text: query, pair: passage })));
      const withText = returnDocuments ?? context.taskSettings.return_documents !== false;
      const ranked: RerankResult['rerank'] = scores
        .map((relevance_score, index) => ({ index, relevance_score, ...(withText ? { text: input[index] } : {}) }))
        .sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index);
      return { rerank: topN === undefined ? ranked : ranked.slice(0, topN) };
    },

    async endpointUpdated(endpoint) {
      const settings = allocationSettings(endpoint.serviceSettings, DEFAULT_MAX_ALLOCATIONS);
      engine.updateSettings(deploymentIdOf(endpoint), settings);
    },

    async endpointCreated(endpoint) {
      claims.stored(endpoint);
    },

    async endpointAbandoned(endpoint, remaining) {
      const orphans = claims.failed(endpoint, (deploymentId) => usedBy(remaining, endpoint.service, deploymentId));
      await Promise.all(orphans.map((deploymentId) => engine.undeploy(deploymentId)));
    },

    async endpointRemoved(endpoint, remaining) {
      const deploymentId = deploymentIdOf(endpoint);
      if (!usedBy(remaining, endpoint.service, deploymentId) && !claims.heldByPut(deploymentId)) await engine.undeploy(deploymentId);
    },

    liveServiceSettings(endpoint) {
      const deployment = engine.get(deploymentIdOf(endpoint));
      if (deployment) return { num_allocations: deployment.targetAllocationCount };
      return {};
    },

    defaultEndpoints: elasticsearchDefaultEndpoints,

    resumeEndpoints(endpoints) {
      for (const endpoint of endpoints) {
        const { adaptive } = allocationSettings(endpoint.serviceSettings, DEFAULT_MAX_ALLOCATIONS);
        if (adaptive?.enabled && adaptive.min === 0) continue;
        deploymentFor(endpoint).catch((error: Error) =>
          logger.warn({ inferenceId: endpoint.inferenceId, err: error.message }, 'could not restart the deployment of a stored endpoint'),
        );
      }
    },

    trainedModels: {
      // Model ids and running deployment ids: Elasticsearch refuses an inference id that names a deployment, such
      // as one a deleted endpoint left running for the endpoints that reuse it through `deployment_id`.
      ids: () => [...engine.library.list().map((model) => model.name), ...resolver.builtinIds(), ...engine.list().map((deployment) => deployment.id)],
      stats(): TrainedModelStats[] {
        const running = engine.list().map(deploymentStats);
        const deployed = new Set(running.map((entry) => entry.model_id));
        const installed = [
          ...resolver.builtinIds().filter((id) => {
            const dir = resolver.builtinDirectory(id);
            return dir !== undefined && engine.library.find(dir) !== undefined;
          }),
          ...engine.library.list().map((model) => model.name),
        ];
        const idle = [...new Set(installed)].filter((id) => !deployed.has(id)).sort();
        return [...running, ...idle.map((model_id) => ({ model_id, pipeline_count: 0 as const }))];
      },
    },

    close: () => engine.close(),
  };
}
