/** GET /_inference[/_all], /_inference/{id}, /_inference/{task_type}/{id|_all|*} (reference §2.2). */
import { type Handler, pathParam, urlTaskType } from './context';
import { checkRequestedTaskType, findEndpoint } from './endpoint-lookup';
import { liveEndpointInfo } from './endpoint-view';

const WILDCARDS = new Set(['_all', '*', '']);

export const getEndpoints: Handler = (request, response, context) => {
  const requested = urlTaskType(request);
  const inferenceId = pathParam(request, 'inference_id') ?? '_all';
  if (WILDCARDS.has(inferenceId)) {
    const endpoints = context.store.list().filter((endpoint) => requested === 'any' || endpoint.taskType === requested);
    response.json({ endpoints: endpoints.map((endpoint) => liveEndpointInfo(context.providers, endpoint)) });
    return;
  }
  const endpoint = findEndpoint(context.store, inferenceId);
  checkRequestedTaskType(endpoint, requested);
  response.json({ endpoints: [liveEndpointInfo(context.providers, endpoint)] });
};
