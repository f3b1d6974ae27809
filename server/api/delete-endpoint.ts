/** DELETE /_inference[/{task_type}]/{inference_id} (reference §2.3). A standalone server has no pipelines or
 * indices, so nothing ever references an endpoint. */
import { type Handler, pathParam, queryFlag, urlTaskType } from './context';
import { checkRequestedTaskType, findEndpoint } from './endpoint-lookup';

export const deleteEndpoint: Handler = (request, response, context) => {
  const requested = urlTaskType(request);
  const inferenceId = pathParam(request, 'inference_id') ?? '';
  const endpoint = findEndpoint(context.store, inferenceId);
  checkRequestedTaskType(endpoint, requested);
  if (queryFlag(request, 'dry_run')) {
    response.json({ acknowledged: false, pipelines: [], indexes: [] });
    return;
  }
  context.store.delete(inferenceId);
  context.limiters.forget(inferenceId);
  context.logger.info({ inferenceId }, 'inference endpoint deleted');
  response.json({ acknowledged: true, pipelines: [], indexes: [] });
};
