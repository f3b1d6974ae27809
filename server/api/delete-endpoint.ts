/** DELETE /_inference[/{task_type}]/{inference_id} (reference §2.3). A standalone server has no pipelines or
 * indices, so nothing ever references an endpoint. */
import { badRequest } from '../http/errors';
import { type Handler, pathParam, queryFlag, urlTaskType } from './context';
import { checkRequestedTaskType, findEndpoint } from './endpoint-lookup';

export const deleteEndpoint: Handler = async (request, response, context) => {
  const requested = urlTaskType(request);
  const inferenceId = pathParam(request, 'inference_id') ?? '';
  const endpoint = findEndpoint(context.store, inferenceId);
  checkRequestedTaskType(endpoint, requested);
  if (context.store.isDefault(inferenceId) && !queryFlag(request, 'force')) {
    throw badRequest(`[${inferenceId}] is a reserved inference endpoint. Use the force=true query parameter to delete the inference endpoint.`);
  }
  if (queryFlag(request, 'dry_run')) {
    response.json({ acknowledged: false, pipelines: [], indexes: [] });
    return;
  }
  await context.store.delete(inferenceId);
  context.limiters.forget(inferenceId);
  await context.providers.get(endpoint.service).endpointRemoved?.(endpoint, context.store.list().filter((other) => other.inferenceId !== inferenceId));
  context.logger.info({ inferenceId }, 'inference endpoint deleted');
  response.json({ acknowledged: true, pipelines: [], indexes: [] });
};
