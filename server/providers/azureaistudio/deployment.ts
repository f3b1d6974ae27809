/**
 * What an Azure AI Studio endpoint's settings mean, as Elasticsearch's AzureAiStudio classes read them: where each
 * task type's request goes (AzureAiStudio*Model.getEndpointUri), which auth header it carries
 * (AzureAiStudioRequest.setAuthHeader), and which provider takes which task and endpoint type
 * (AzureAiStudioProviderCapabilities, checked by AzureAiStudioService when the endpoint is created).
 */
import { badRequest } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import { serviceSettings, type ServiceSettings } from '../kit/settings';

type Settings = ServiceSettings<'AzureAiStudioServiceSettings'>;
type Provider = Settings['provider'];
type EndpointType = Settings['endpoint_type'];
type TaskType = 'text_embedding' | 'completion' | 'rerank';

export const deployment = (context: CallContext): Settings => serviceSettings<'AzureAiStudioServiceSettings'>(context);

/** The target itself for OpenAI's deployments and for managed online ("realtime") endpoints, else the serverless
 * API's path beside it. Only rerank drops a trailing `/` first (Elasticsearch's embeddings and completion do not). */
export function requestUrl(context: CallContext, taskType: TaskType): string {
  const { target, provider, endpoint_type: endpointType } = deployment(context);
  if (taskType === 'rerank') return `${target.endsWith('/') ? target.slice(0, -1) : target}/v1/rerank`;
  if (provider === 'openai' || endpointType === 'realtime') return target;
  return target + (taskType === 'text_embedding' ? '/v1/embeddings' : '/v1/chat/completions');
}

/** OpenAI's deployments take the key as `api-key`; realtime endpoints as a Bearer token; the other serverless
 * deployments as the bare `Authorization` value (no `Bearer`), exactly as Elasticsearch sends them. */
export function authHeaders(context: CallContext): Record<string, string> {
  const key = String(context.endpoint.secrets.api_key ?? '');
  const { provider, endpoint_type: endpointType } = deployment(context);
  if (provider === 'openai') return { 'api-key': key };
  return { Authorization: endpointType === 'realtime' ? `Bearer ${key}` : key };
}

const ALL_PROVIDERS: readonly Provider[] = ['openai', 'mistral', 'meta', 'microsoft_phi', 'cohere', 'databricks'];

/** Per task type: the providers that have it, and those of them on each endpoint type. */
const CAPABILITIES: Record<TaskType, { providers: readonly Provider[]; token: readonly Provider[]; realtime: readonly Provider[] }> = {
  text_embedding: { providers: ['openai', 'cohere'], token: ['openai', 'cohere'], realtime: [] },
  completion: { providers: ALL_PROVIDERS, token: ['openai', 'meta', 'cohere'], realtime: ['mistral', 'meta', 'microsoft_phi', 'databricks'] },
  rerank: { providers: ['cohere'], token: ['cohere'], realtime: [] },
};

/** Refuses a provider without the task type, or without it on the endpoint type, in Elasticsearch's words. */
export function checkCapabilities(taskType: TaskType, provider: Provider, endpointType: EndpointType): void {
  const capability = CAPABILITIES[taskType];
  if (!capability.providers.includes(provider)) throw badRequest(`The [${taskType}] task type for provider [${provider}] is not available`);
  if (!capability[endpointType].includes(provider)) {
    throw badRequest(`The [${endpointType}] endpoint type with [${taskType}] task type for provider [${provider}] is not available`);
  }
}
