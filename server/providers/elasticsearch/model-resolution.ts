/** From a `model_id` to a model directory (reference §9.1): a built-in id goes through the configurable map, anything
 * else names a model directory itself (our analogue of a model uploaded with Eland). */
import { EsError, badRequest } from '../../http/errors';
import type { InstalledModel, ModelLibrary } from '../../engine/model-library';

const PLATFORM_SUFFIX = '_linux-x86_64';
const ELSER_MODEL_IDS = ['.elser_model_1', '.elser_model_2', `.elser_model_2${PLATFORM_SUFFIX}`];

export const isLinuxX64 = (): boolean => process.platform === 'linux' && process.arch === 'x64';

/** The platform-specific id where Elasticsearch would pick it (linux-x86_64), else the portable one. */
export const platformModelId = (modelId: string): string => (isLinuxX64() ? modelId + PLATFORM_SUFFIX : modelId);

/** The platform-agnostic id of a platform variant (`.elser_model_2_linux-x86_64` → `.elser_model_2`). */
export const portableModelId = (modelId: string): string => (modelId.endsWith(PLATFORM_SUFFIX) ? modelId.slice(0, -PLATFORM_SUFFIX.length) : modelId);

export class ModelResolver {
  constructor(
    private readonly builtins: Readonly<Record<string, string>>,
    private readonly library: ModelLibrary,
  ) {}

  /** Every built-in id, with the platform variants of those that have one. */
  builtinIds(): string[] {
    const ids = Object.keys(this.builtins);
    return [...ids, ...ids.filter((id) => id === '.multilingual-e5-small' || id === '.elser_model_2').map((id) => id + PLATFORM_SUFFIX)];
  }

  /** The directory name a built-in id maps to, or undefined for a non-built-in id. */
  builtinDirectory(modelId: string): string | undefined {
    if (this.builtins[modelId]) return this.builtins[modelId];
    if (modelId.endsWith(PLATFORM_SUFFIX)) return this.builtins[portableModelId(modelId)];
    return undefined;
  }

  resolve(modelId: string, options: { elserAlias?: boolean } = {}): InstalledModel {
    if (options.elserAlias && !ELSER_MODEL_IDS.includes(modelId)) {
      throw badRequest(`Unknown ELSER model ID [${modelId}]. Valid models are [${ELSER_MODEL_IDS.join(', ')}]`);
    }
    const builtin = this.builtinDirectory(modelId);
    if (builtin !== undefined) {
      if (modelId.endsWith(PLATFORM_SUFFIX) && !this.builtins[modelId] && !isLinuxX64()) {
        throw badRequest(`Error parsing request config, model id does not match any models available on this platform. Was [${modelId}]. You may need to use a platform agnostic model.`);
      }
      const installed = this.library.find(builtin);
      if (!installed) {
        throw new EsError(
          400,
          'status_exception',
          `Model [${modelId}] is not installed: it maps to the model directory [${builtin}], which none of the models directories (INFERGATE_MODELS_DIR) holds`,
        );
      }
      return installed;
    }
    const installed = this.library.find(modelId);
    if (!installed) {
      throw badRequest(`Error parsing request config, model id does not match any models available on this platform. Was [${modelId}]. You may need to load it into the cluster using eland.`);
    }
    return installed;
  }
}
