/**
 * Turns a validated PUT body into a stored endpoint: the (service, task type) schema from the spec decides what is
 * allowed and fills defaults; secrets are split off; chunking defaults apply to embedding task types.
 */
import { validationException } from '../http/errors';
import type { JsonSchema } from '../openapi/document';
import type { SchemaValidator } from '../openapi/schema-validator';
import type { ServiceSpec, TaskVariant } from '../openapi/service-catalog';
import { schemaAt, settingsError } from '../es-messages/settings-errors';
import type { Settings, StoredEndpoint } from '../store/endpoint-store';
import type { ApiContext } from './context';

interface CreateBody {
  service: string;
  task_type: string;
  service_settings: Settings;
  task_settings?: Settings;
  chunking_settings?: Settings;
}

function isEmptyObject(value: unknown): boolean {
  return !!value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
}

/** Word chunking's overlap may be at most half the chunk size: a rule across two fields, so not in the schema. */
function checkChunkingOverlap(chunking: Settings | undefined): void {
  if (chunking?.strategy !== 'word') return;
  const limit = Math.floor(Number(chunking.max_chunk_size) / 2);
  if (Number(chunking.overlap) > limit) {
    throw validationException([
      `[chunking_settings] Invalid value [${String(chunking.overlap)}]. [overlap] must be a less than or equal to [${limit.toFixed(1)}]`,
    ]);
  }
}

export function splitSecrets(settings: Settings, secretFields: readonly string[]): { visible: Settings; secrets: Settings } {
  const visible: Settings = {};
  const secrets: Settings = {};
  for (const [key, value] of Object.entries(settings)) (secretFields.includes(key) ? secrets : visible)[key] = value;
  return { visible, secrets };
}

const wrappers = new WeakMap<TaskVariant, JsonSchema>();

/** Task settings are validated inside an object keyed `task_settings`, so that messages name that scope. The wrapper
 * is built once per variant: the validator caches compiled schemas by identity. */
function taskSettingsWrapper(variant: TaskVariant): JsonSchema {
  let wrapper = wrappers.get(variant);
  if (!wrapper) {
    const schema: JsonSchema = variant.taskSettings ?? { type: 'object', additionalProperties: false };
    wrapper = { type: 'object', properties: { task_settings: schema } };
    wrappers.set(variant, wrapper);
  }
  return wrapper;
}

export function validateTaskSettings(
  validator: SchemaValidator,
  service: string,
  variant: TaskVariant,
  taskSettings: unknown,
): Settings {
  const wrapper = taskSettingsWrapper(variant);
  const { value, errors } = validator.validate<{ task_settings?: Settings }>(wrapper, { task_settings: taskSettings ?? {} });
  const error = settingsError(errors, service, (pointer) => schemaAt(wrapper, pointer));
  if (error) throw error;
  return value.task_settings ?? {};
}

/**
 * The task settings of one call: the stored ones with the request's merged over them key by key, validated. A
 * service without task settings ignores the request's, as Elasticsearch does (it refuses them only at PUT).
 */
export function callTaskSettings(context: Pick<ApiContext, 'catalog' | 'validator'>, endpoint: StoredEndpoint, requested: Settings | undefined): Settings {
  const variant = context.catalog.get(endpoint.service)?.variants.get(endpoint.taskType);
  const takesTaskSettings = Object.keys(variant?.taskSettings?.properties ?? {}).length > 0;
  if (!variant || !requested || !takesTaskSettings) return endpoint.taskSettings;
  return validateTaskSettings(context.validator, endpoint.service, variant, { ...endpoint.taskSettings, ...requested });
}

export function buildEndpoint(
  validator: SchemaValidator,
  inferenceId: string,
  service: ServiceSpec,
  variant: TaskVariant,
  body: Record<string, unknown>,
): StoredEndpoint {
  const input: Record<string, unknown> = { ...body, task_type: variant.taskType };
  const chunkingSchema = variant.schema.properties?.chunking_settings;
  if (variant.supportsChunking && (input.chunking_settings === undefined || isEmptyObject(input.chunking_settings))) {
    input.chunking_settings = chunkingSchema?.['x-infergate-default'];
  }
  const { value, errors } = validator.validate<CreateBody>(variant.schema, input);
  const error = settingsError(errors, service.name, (pointer) => schemaAt(variant.schema, pointer));
  if (error) throw error;
  checkChunkingOverlap(value.chunking_settings);

  const { visible, secrets } = splitSecrets(value.service_settings, variant.secretFields);
  return {
    inferenceId,
    taskType: variant.taskType,
    service: service.aliasOf ?? service.name,
    serviceSettings: visible,
    taskSettings: value.task_settings ?? {},
    chunkingSettings: value.chunking_settings,
    secrets,
    internal: 'dimensions' in visible ? { dimensions_set_by_user: true } : {},
  };
}
