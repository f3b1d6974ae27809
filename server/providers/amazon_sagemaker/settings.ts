/**
 * An amazon_sagemaker endpoint's settings as Elasticsearch's SageMakerModel reads them: which `api` serves which task
 * type (SageMakerSchemas), where its requests go, the SDK's headers for the optional settings, and its signer.
 */
import { statusException } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import type { TaskType } from '../../task-type';
import { sigV4Signer } from '../kit/aws/sigv4';
import type { RequestSigner } from '../kit/http-transport';
import { serviceSettings, taskSettings, type ServiceSettings } from '../kit/settings';

export type SageMakerSettings = ServiceSettings<'AmazonSageMakerEmbeddingServiceSettings'>;
export type SageMakerTaskSettings = Record<string, unknown> & {
  custom_attributes?: string;
  enable_explanations?: string;
  inference_id?: string;
  session_id?: string;
  target_variant?: string;
  user?: string;
};
export type SageMakerApi = 'openai' | 'elastic';

/** The task settings every api takes; the `elastic` api sends the others on as its own `task_settings`. */
export const COMMON_TASK_SETTINGS = ['custom_attributes', 'enable_explanations', 'inference_id', 'session_id', 'target_variant'] as const;

/** The task types of each api, in the order Elasticsearch's registry lists them. */
const TASKS_BY_API: Readonly<Record<SageMakerApi, readonly TaskType[]>> = {
  openai: ['text_embedding', 'completion', 'chat_completion'],
  elastic: ['text_embedding', 'sparse_embedding', 'rerank', 'completion', 'chat_completion'],
};

/** Elasticsearch's batch size for SageMaker inputs when `batch_size` is not set. */
export const DEFAULT_BATCH_SIZE = 256;

export const settingsOf = (context: CallContext): SageMakerSettings => serviceSettings<'AmazonSageMakerEmbeddingServiceSettings'>(context);
export const taskSettingsOf = (context: CallContext): SageMakerTaskSettings => taskSettings<'AmazonSageMakerTaskSettings'>(context) as SageMakerTaskSettings;

/**
 * The api of the endpoint, when it serves the task type; else SageMakerSchemas' 405. Elasticsearch's message puts the
 * api where the task type belongs and the other way round, and renders the task set as a Java Set inside brackets:
 * copied as it is.
 */
export function apiFor(taskType: string, api: string): SageMakerApi {
  const tasks = Object.hasOwn(TASKS_BY_API, api) ? TASKS_BY_API[api as SageMakerApi] : [];
  if (tasks.includes(taskType as TaskType)) return api as SageMakerApi;
  throw statusException(405, `Task [${api}] is not compatible for service [sagemaker] and api [${taskType}]. Supported tasks: [[${tasks.join(', ')}]]`);
}

export const apiOf = (context: CallContext): SageMakerApi => apiFor(context.endpoint.taskType, settingsOf(context).api);

/** SageMaker Runtime's host in the endpoint's region (INFERGATE_UPSTREAM_ORIGINS replaces it in tests). */
export function invocationUrl(context: CallContext, stream: boolean): string {
  const { region, endpoint_name: name } = settingsOf(context);
  const operation = stream ? 'invocations-response-stream' : 'invocations';
  return `https://runtime.sagemaker.${region}.amazonaws.com/endpoints/${encodeURIComponent(name)}/${operation}`;
}

export function signerOf(context: CallContext): RequestSigner {
  const settings = settingsOf(context);
  return sigV4Signer('sagemaker', settings.region, { accessKeyId: settings.access_key, secretAccessKey: settings.secret_key });
}

/**
 * The headers the SDK puts the optional settings in (SageMakerSchema.createRequest). The stream operation has its
 * accept header under another name and takes neither TargetModel nor EnableExplanations (Elasticsearch's
 * createStreamRequest sets neither).
 */
export function invocationHeaders(context: CallContext, stream: boolean): Record<string, string> {
  const settings = settingsOf(context);
  const tasks = taskSettingsOf(context);
  const entries: Array<[string, string | undefined]> = [
    [stream ? 'x-amzn-sagemaker-accept' : 'accept', 'application/json'],
    ['x-amzn-sagemaker-custom-attributes', tasks.custom_attributes],
    ['x-amzn-sagemaker-enable-explanations', stream ? undefined : tasks.enable_explanations],
    ['x-amzn-sagemaker-inference-component', settings.inference_component_name],
    ['x-amzn-sagemaker-inference-id', tasks.inference_id],
    ['x-amzn-sagemaker-session-id', tasks.session_id],
    ['x-amzn-sagemaker-target-container-hostname', settings.target_container_hostname],
    ['x-amzn-sagemaker-target-model', stream ? undefined : settings.target_model],
    ['x-amzn-sagemaker-target-variant', tasks.target_variant],
  ];
  return Object.fromEntries(entries.filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
