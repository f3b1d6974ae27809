/** PUT /_inference/{task_type}/{inference_id} and PUT /_inference/{inference_id} (reference §2.1): checks in
 * Elasticsearch's order, one validation call to the provider, then an atomic insert. */
import { EsError, badRequest } from '../http/errors';
import { callContext, runCall } from '../inference/call';
import { validateEndpoint } from '../inference/validation-call';
import { parseTaskType, type TaskType } from '../task-type';
import { type ApiContext, type Handler, callTimeout, clientGoneSignal, pathParam, requireBody, urlTaskType } from './context';
import { buildEndpoint } from './endpoint-settings';
import { liveEndpointInfo } from './endpoint-view';
import { checkInferenceId } from './inference-id';
import { checkUserUrls } from '../providers/kit/upstream-allow-list';
import { ELASTICSEARCH_VERSION } from '../version';

function resolveTaskType(fromUrl: string, fromBody: unknown): TaskType {
  let bodyTaskType: string | undefined;
  if (fromBody !== undefined && fromBody !== null) {
    if (typeof fromBody !== 'string') throw badRequest(`Unknown task_type [${String(JSON.stringify(fromBody))}]`);
    const parsed = parseTaskType(fromBody);
    if (parsed === 'any') throw badRequest('task_type [any] is not valid type for inference');
    bodyTaskType = parsed;
  }
  const urlTask = fromUrl === 'any' ? undefined : fromUrl;
  if (urlTask && bodyTaskType && urlTask !== bodyTaskType) {
    throw badRequest(
      `Cannot resolve conflicting task_type parameter in the request URL [${urlTask}] and the request body [${bodyTaskType}]`,
    );
  }
  const resolved = urlTask ?? bodyTaskType;
  if (!resolved) throw badRequest('model is missing required setting [task_type]');
  return resolved as TaskType;
}

/** Reference §1.4: default endpoint ids are reserved, ids are unique, and model or deployment ids cannot be taken
 * (checked after uniqueness, so that re-creating an existing endpoint says it exists). */
function checkIdIsFree(context: ApiContext, inferenceId: string): void {
  if (context.store.isDefault(inferenceId)) {
    throw badRequest(`[${inferenceId}] is a reserved inference ID. Cannot create a new inference endpoint with a reserved ID.`);
  }
  if (context.store.get(inferenceId)) {
    throw new EsError(400, 'resource_already_exists_exception', `Inference endpoint [${inferenceId}] already exists`);
  }
  if (context.providers.all().some((provider) => provider.trainedModels?.ids().includes(inferenceId))) {
    throw badRequest(`Inference endpoint IDs must be unique. Requested inference endpoint ID [${inferenceId}] matches existing trained model ID(s) but must not.`);
  }
}

export const putEndpoint: Handler = async (request, response, context) => {
  const body = requireBody(request);
  const inferenceId = pathParam(request, 'inference_id') ?? '';
  checkInferenceId(inferenceId);
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new EsError(400, 'parse_exception', 'request body must be a JSON object');
  }
  const config = body as Record<string, unknown>;
  const taskType = resolveTaskType(urlTaskType(request), config.task_type);

  if (config.service === undefined || config.service === null) {
    throw badRequest('Inference endpoint configuration is missing the [service] setting');
  }
  const service = typeof config.service === 'string' ? context.catalog.get(config.service) : undefined;
  if (!service) throw badRequest(`Unknown service [${String(config.service)}]`);
  if (config.service_settings === undefined || config.service_settings === null) {
    throw badRequest('Missing required field [service_settings]');
  }
  const variant = service.variants.get(taskType);
  if (!variant) throw badRequest(`The [${service.name}] service does not support task type [${taskType}]`);

  const endpoint = buildEndpoint(context.validator, inferenceId, service, variant, config);
  checkUserUrls(context.upstreamAllowList, { ...endpoint.serviceSettings, ...endpoint.secrets }, variant.upstreamUrlFields);
  if (service.aliasOf) endpoint.internal.alias = service.name;
  checkIdIsFree(context, inferenceId);

  const provider = context.providers.get(endpoint.service);
  const timeout = callTimeout(request, context, taskType);
  const clientGone = clientGoneSignal(response);
  try {
    if (provider.prepareEndpoint) {
      const call = callContext(endpoint, endpoint.taskSettings, timeout, clientGone);
      const start = !context.config.skipValidation;
      endpoint.serviceSettings = await runCall(call, () => provider.prepareEndpoint!(call, { start }));
    }
    if (!context.config.skipValidation) {
      const call = callContext(endpoint, endpoint.taskSettings, timeout, clientGone);
      Object.assign(endpoint.serviceSettings, await validateEndpoint(provider, call));
    }
    if (!(await context.store.insert(endpoint))) {
      throw new EsError(400, 'resource_already_exists_exception', `Inference endpoint [${inferenceId}] already exists`);
    }
  } catch (error) {
    await provider.endpointAbandoned?.(endpoint, context.store.list());
    throw error;
  }
  await provider.endpointCreated?.(endpoint);
  context.logger.info({ inferenceId, service: endpoint.service, taskType }, 'inference endpoint created');
  if (service.deprecation) {
    const text = service.deprecation.replace('{model_id}', String(endpoint.serviceSettings.model_id));
    response.setHeader('Warning', `299 Elasticsearch-${ELASTICSEARCH_VERSION} "${text}"`);
  }
  response.json(liveEndpointInfo(context.providers, endpoint));
};
