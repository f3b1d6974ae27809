/**
 * What Elasticsearch's SageMakerModelBuilder checks at PUT beyond the schema (whose settings depend on `api`), and
 * the validation call with what it teaches the endpoint (SageMakerService.updateModelWithEmbeddingDetails).
 */
import { badRequest, statusException, validationException } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import { javaString } from '../../es-messages/java-format';
import type { Settings } from '../../store/endpoint-store';
import type { SageMakerCalls } from './calls';
import { COMMON_TASK_SETTINGS, apiFor, settingsOf } from './settings';

const SERVICE = 'amazon_sagemaker';
/** Settings of the `elastic` api's text embeddings that the `openai` api's do not have. */
const ELASTIC_EMBEDDING_SETTINGS = ['similarity', 'element_type', 'dimensions_set_by_user'];
const OPENAI_TASK_SETTINGS = [...COMMON_TASK_SETTINGS, 'user'];

function unknownSettings(entries: Array<[string, unknown]>): never {
  const rendered = entries.map(([key, value]) => `${key}=${javaString(value)}`).join(', ');
  throw badRequest(`Model configuration contains settings [{${rendered}}] unknown to the [${SERVICE}] service`);
}

/** SageMakerServiceSettings.toXContent's order (then the api's own settings, in theirs). */
const SETTINGS_ORDER = ['endpoint_name', 'region', 'api', 'target_model', 'target_container_hostname', 'inference_component_name', 'batch_size', 'dimensions', 'dimensions_set_by_user', 'similarity', 'element_type'];

/** The settings in Elasticsearch's order; the elastic api's text embeddings always show `dimensions_set_by_user`. */
function stored(serviceSettings: Settings, elasticEmbeddings: boolean): Settings {
  const settings = elasticEmbeddings ? { dimensions_set_by_user: false, ...serviceSettings } : serviceSettings;
  return Object.fromEntries(SETTINGS_ORDER.filter((key) => settings[key] !== undefined).map((key) => [key, settings[key]]));
}

/** In SageMakerModelBuilder.fromRequest's order: the api and task type, the api's task settings, then what is left. */
export function checkEndpoint(context: CallContext): Settings {
  const { taskType, serviceSettings, taskSettings } = context.endpoint;
  const api = apiFor(taskType, settingsOf(context).api);
  if (api === 'elastic' && Object.keys(taskSettings).length > 0) {
    // ElasticPayload.apiTaskSettings: the elastic api's task settings are per request only (all of them).
    throw validationException(['task_settings is only supported during the inference request and cannot be stored in the inference endpoint.']);
  }
  if (api === 'openai') {
    const extraSettings = Object.entries(serviceSettings).filter(([key]) => ELASTIC_EMBEDDING_SETTINGS.includes(key));
    if (extraSettings.length > 0) unknownSettings(extraSettings);
    const extraTasks = Object.entries(taskSettings).filter(([key]) => !OPENAI_TASK_SETTINGS.includes(key));
    if (extraTasks.length > 0) unknownSettings(extraTasks);
  }
  return stored(serviceSettings, api === 'elastic' && taskType === 'text_embedding');
}

/** Whether the validation call's embeddings must have the endpoint's dimensions (the api's dimensionsSetByUser). */
function dimensionsSetByUser(context: CallContext): boolean {
  const settings = settingsOf(context);
  return settings.api === 'elastic' ? settings.dimensions_set_by_user === true : settings.dimensions !== undefined;
}

async function embeddingSize(calls: SageMakerCalls, context: CallContext): Promise<number> {
  const result = await calls.textEmbedding(context, ['how big'], 'internal_ingest');
  const first = result.text_embedding?.[0] ?? result.text_embedding_bytes?.[0];
  const bits = result.text_embedding_bits?.[0];
  const size = first ? first.embedding.length : (bits?.embedding.length ?? 0) * 8;
  if (!size) throw statusException(400, 'Could not determine embedding size');
  return size;
}

/** SimpleServiceIntegrationValidator's calls (internal ingest input, `how big`); a text embedding's size is stored
 * (the elastic api's `dimensions_set_by_user` becomes false), no similarity is made up. */
export async function validateSageMakerEndpoint(calls: SageMakerCalls, context: CallContext): Promise<Settings> {
  const input = ['how big'];
  switch (context.endpoint.taskType) {
    case 'text_embedding': {
      const size = await embeddingSize(calls, context);
      const { dimensions, api } = settingsOf(context);
      if (dimensionsSetByUser(context) && dimensions !== size) {
        throw statusException(
          400,
          `The retrieved embeddings size [${size}] does not match the size specified in the settings [${String(dimensions)}]. Please recreate the [${context.endpoint.inferenceId}] configuration with the correct dimensions`,
        );
      }
      return api === 'elastic' ? { dimensions: size, dimensions_set_by_user: false } : { dimensions: size };
    }
    case 'sparse_embedding':
      await calls.sparseEmbedding(context, input, 'internal_ingest');
      return {};
    case 'rerank':
      await calls.rerank(context, { input: ['how big', 'how small'], query: 'test query' });
      return {};
    case 'completion':
      await calls.completion(context, input, 'internal_ingest');
      return {};
    default: {
      const stream = calls.streamChatCompletion(context, { messages: [{ role: 'user', content: 'how big' }], max_completion_tokens: 1 });
      for await (const _chunk of stream) {
        // Read to the end: a stream that fails part-way fails the validation.
      }
      return {};
    }
  }
}
