/** Finding an endpoint by id and checking the task type the URL asked for. */
import { badRequest, resourceNotFound } from '../http/errors';
import type { EndpointStore, StoredEndpoint } from '../store/endpoint-store';
import type { RequestedTaskType } from '../task-type';

export function findEndpoint(store: EndpointStore, inferenceId: string): StoredEndpoint {
  const endpoint = store.get(inferenceId);
  if (!endpoint) throw resourceNotFound(`Inference endpoint not found [${inferenceId}]`);
  return endpoint;
}

/** GET and DELETE wording for a task type that does not match. */
export function checkRequestedTaskType(endpoint: StoredEndpoint, requested: RequestedTaskType): void {
  if (requested !== 'any' && requested !== endpoint.taskType) {
    throw badRequest(
      `Requested task type [${requested}] does not match the inference endpoint's task type [${endpoint.taskType}]`,
    );
  }
}
