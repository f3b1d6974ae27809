/** POST /_inference[/{task_type}]/{inference_id} and the per-task routes (reference §2.4). */
import type { Request } from 'express';
import { actionRequestValidationException, badRequest } from '../http/errors';
import { callContext, runCall } from '../inference/call';
import type { CallContext, InferenceProvider } from '../providers/types';
import { requestBodySchema } from '../openapi/document';
import type { StoredEndpoint } from '../store/endpoint-store';
import { TASK_TYPES, type RequestedTaskType, type TaskType } from '../task-type';
import { type ApiContext, type Handler, callTimeout, clientGoneSignal, pathParam, urlTaskType } from './context';
import { callTaskSettings } from './endpoint-settings';
import { findEndpoint } from './endpoint-lookup';
import { checkInputType } from './input-type';
import { INFERENCE_PARSER, validatedBody } from './request-body';

interface InferenceBody {
  input: string | string[];
  query?: string;
  input_type?: string;
  return_documents?: boolean;
  top_n?: number;
  task_settings?: Record<string, unknown>;
  timeout?: string;
}

/** Body fields that only some task types take. */
const TASK_SPECIFIC_FIELDS: Record<string, readonly TaskType[]> = {
  input_type: ['text_embedding', 'embedding'],
  top_n: ['rerank'],
  return_documents: ['rerank'],
};

function checkFieldsFor(taskType: TaskType, body: InferenceBody): void {
  const messages = Object.entries(TASK_SPECIFIC_FIELDS)
    .filter(([field, taskTypes]) => body[field as keyof InferenceBody] !== undefined && !taskTypes.includes(taskType))
    .map(([field]) => `Field [${field}] cannot be specified for task type [${taskType}]`);
  if (taskType === 'rerank' && body.query === undefined) messages.push('Field [query] cannot be null for task type [rerank]');
  if (taskType === 'rerank' && body.query === '') messages.push('Field [query] cannot be empty for task type [rerank]');
  if (messages.length > 0) throw actionRequestValidationException(messages);
}

export function checkTaskTypeForInference(endpoint: StoredEndpoint, requested: RequestedTaskType): void {
  if (requested !== 'any' && requested !== endpoint.taskType) {
    throw badRequest(`Incompatible task_type, the requested type [${requested}] does not match the model type [${endpoint.taskType}]`);
  }
}

function run(provider: InferenceProvider, call: CallContext, taskType: TaskType, body: InferenceBody): Promise<unknown> | undefined {
  const input = typeof body.input === 'string' ? [body.input] : body.input;
  switch (taskType) {
    case 'text_embedding':
      checkInputType(provider, body.input_type);
      return provider.textEmbedding?.(call, { input, inputType: body.input_type?.toLowerCase() });
    case 'sparse_embedding':
      return provider.sparseEmbedding?.(call, { input });
    case 'rerank':
      return provider.rerank?.(call, { input, query: body.query ?? '', topN: body.top_n, returnDocuments: body.return_documents });
    case 'completion':
      return provider.completion?.(call, { input });
    default:
      return undefined;
  }
}

/** chat_completion and embedding endpoints are called through routes of their own; Elasticsearch's generic
 * inference action names the task types it does take (the service's, in Elasticsearch's order). */
function routeOfItsOwn(context: ApiContext, endpoint: StoredEndpoint) {
  const { inferenceId, taskType } = endpoint;
  const service = context.catalog.get(endpoint.service);
  const taken = TASK_TYPES.filter((type) => type !== 'chat_completion' && type !== 'embedding' && service?.variants.has(type));
  const url = `_inference/${taskType}/${inferenceId}${taskType === 'chat_completion' ? '/_stream' : ''}`;
  return badRequest(
    `Inference entity [${inferenceId}] does not support task type [${taskType}] for inference, the task type must be one of [${taken.join(', ')}]. The task type for the inference entity is ${taskType}, please use the ${url} URL.`,
  );
}

/** The task type a route fixes in its path (`/_inference/rerank/{id}`), if any. */
function literalTaskType(request: Request): TaskType | undefined {
  const match = /^\/_inference\/(text_embedding|sparse_embedding|rerank|completion)\/[^/]+$/.exec(request.path);
  return match?.[1] as TaskType | undefined;
}

export function inferenceHandler(operationId: string): Handler {
  return async (request, response, context: ApiContext) => {
    const operation = context.operations.get(operationId)!;
    const fixed = literalTaskType(request);
    const requested: RequestedTaskType = fixed ?? urlTaskType(request);
    const body = validatedBody<InferenceBody>(request, context, requestBodySchema(operation)!, {
      parser: INFERENCE_PARSER,
      taskSpecificFields: fixed ? { fields: Object.keys(TASK_SPECIFIC_FIELDS), taskType: fixed } : undefined,
    });
    if (requested !== 'any') checkFieldsFor(requested, body);

    const endpoint = findEndpoint(context.store, pathParam(request, 'inference_id') ?? '');
    checkTaskTypeForInference(endpoint, requested);
    if (requested === 'any') checkFieldsFor(endpoint.taskType, body);
    if (endpoint.taskType === 'chat_completion' || endpoint.taskType === 'embedding') throw routeOfItsOwn(context, endpoint);

    const taskSettings = callTaskSettings(context, endpoint, body.task_settings);
    const call = callContext(endpoint, taskSettings, callTimeout(request, context, endpoint.taskType, body.timeout), clientGoneSignal(response));
    const provider = context.providers.get(endpoint.service);
    const result = await runCall(call, async () => {
      const pending = run(provider, call, endpoint.taskType, body);
      if (!pending) throw badRequest(`The [${endpoint.service}] service does not support task type [${endpoint.taskType}]`);
      return pending;
    });
    response.json(result);
  };
}
