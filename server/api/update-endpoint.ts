/** PUT /_inference[/{task_type}]/{inference_id}/_update (reference §2.7): new secrets (and updatable settings such
 * as allocations) replace the stored ones; task settings merge key by key. Both path forms work. */
import { EsError, badRequest } from '../http/errors';
import { javaString } from '../es-messages/java-format';
import { schemaAt, settingsError } from '../es-messages/settings-errors';
import type { JsonSchema } from '../openapi/document';
import { parseTaskType } from '../task-type';
import { type Handler, pathParam, requireBody, urlTaskType } from './context';
import { splitSecrets, validateTaskSettings } from './endpoint-settings';
import { liveEndpointInfo } from './endpoint-view';
import { checkInferenceId } from './inference-id';
import { checkUserUrls } from '../providers/kit/upstream-allow-list';

const UPDATABLE_KEYS = new Set(['service_settings', 'task_settings', 'task_type']);
const isMap = (value: unknown): value is Record<string, unknown> =>
  !!value && typeof value === 'object' && !Array.isArray(value);

export const updateEndpoint: Handler = async (request, response, context) => {
  const inferenceId = pathParam(request, 'inference_id') ?? '';
  checkInferenceId(inferenceId);
  const body: unknown = requireBody(request);
  if (!isMap(body) || Object.keys(body).length === 0) throw badRequest('Request body is empty');

  const refused = Object.entries(body).filter(([key]) => !UPDATABLE_KEYS.has(key));
  if (refused.length > 0) {
    throw badRequest(
      `Request contained fields which cannot be updated, remove these fields and try again [${javaString(Object.fromEntries(refused))}]`,
    );
  }
  if (body.service_settings !== undefined && !isMap(body.service_settings)) {
    throw badRequest(`Unable to parse service settings in the request [${javaString(body)}]`);
  }
  if (body.task_settings !== undefined && !isMap(body.task_settings)) {
    throw badRequest(`Unable to parse task settings in the request [${javaString(body)}]`);
  }

  const existing = context.store.get(inferenceId);
  if (!existing) {
    throw new EsError(404, 'resource_not_found_exception', `The inference endpoint [${inferenceId}] does not exist and cannot be updated`);
  }
  const requested = [urlTaskType(request), typeof body.task_type === 'string' ? parseTaskType(body.task_type) : 'any'];
  if (requested.some((taskType) => taskType !== 'any' && taskType !== existing.taskType)) {
    throw badRequest('Task type must match the task type of the existing endpoint');
  }

  const service = context.catalog.get(existing.service);
  const variant = service?.variants.get(existing.taskType);
  if (!service || !variant) throw badRequest(`Unknown service [${existing.service}]`);

  const updates = Object.fromEntries(
    Object.entries(body.service_settings ?? {}).filter(([key]) => variant.updatableFields.includes(key)),
  );
  if (Object.keys(updates).length > 0) {
    // Each new value must be valid on its own terms (e.g. a non-empty api_key).
    const properties = Object.fromEntries(Object.keys(updates).map((key) => [key, variant.serviceSettings.properties?.[key] ?? {}]));
    const schema: JsonSchema = { type: 'object', properties: { service_settings: { type: 'object', properties } } };
    const { errors } = context.validator.validate(schema, { service_settings: updates });
    const error = settingsError(errors, service.name, (pointer) => schemaAt(schema, pointer));
    if (error) throw error;
  }
  checkUserUrls(context.upstreamAllowList, updates, variant.upstreamUrlFields);
  const { visible, secrets } = splitSecrets(updates, variant.secretFields);
  const taskSettings = body.task_settings
    ? validateTaskSettings(context.validator, service.name, variant, { ...existing.taskSettings, ...body.task_settings })
    : existing.taskSettings;

  const updated = {
    ...existing,
    serviceSettings: { ...existing.serviceSettings, ...visible },
    secrets: { ...existing.secrets, ...secrets },
    taskSettings,
  };
  // The service applies the change first (e.g. live allocations) and may refuse it.
  await context.providers.get(updated.service).endpointUpdated?.(updated);
  // Another replica may have deleted it meanwhile: answered as if it had been gone before.
  if (!(await context.store.replace(updated))) {
    throw new EsError(404, 'resource_not_found_exception', `The inference endpoint [${inferenceId}] does not exist and cannot be updated`);
  }
  context.logger.info({ inferenceId }, 'inference endpoint updated');
  response.json(liveEndpointInfo(context.providers, updated));
};
