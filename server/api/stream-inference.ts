/**
 * The streaming routes (reference §2.5, §2.6, §4): POST /_inference[/{task_type}]/{id}/_stream,
 * /_inference/completion/{id}/_stream. Body errors are ordinary JSON errors; everything after that is written as
 * server-sent events. The chat routes are in chat-completion.ts.
 */
import type { Request, Response } from 'express';
import { statusException, elasticsearchEnvelope, unifiedEnvelope } from '../http/errors';
import { callContext } from '../inference/call';
import { relayStream } from '../inference/stream';
import type { ChatCompletionRequest } from '../providers/types';
import type { JsonSchema } from '../openapi/document';
import { requestBodySchema } from '../openapi/document';
import type { StoredEndpoint } from '../store/endpoint-store';
import type { TaskType } from '../task-type';
import { type ApiContext, type Handler, callTimeout, clientGoneSignal, pathParam, requireBody, urlTaskType } from './context';
import { callTaskSettings } from './endpoint-settings';
import { findEndpoint } from './endpoint-lookup';
import { checkTaskTypeForInference } from './perform-inference';
import { CHAT_PARSER, INFERENCE_PARSER, validatedBody } from './request-body';
import { setErrorStyle } from './error-style';
import { withUsageNoted } from '../observability/request-scope';

function streamableTasks(context: ApiContext, endpoint: StoredEndpoint): TaskType[] {
  const provider = context.providers.get(endpoint.service);
  const tasks: TaskType[] = [];
  if (provider.streamCompletion) tasks.push('completion');
  if (provider.streamChatCompletion) tasks.push('chat_completion');
  return tasks;
}

function checkStreamable(context: ApiContext, endpoint: StoredEndpoint): void {
  const supported = streamableTasks(context, endpoint);
  if (supported.includes(endpoint.taskType)) return;
  throw statusException(
    405,
    supported.length === 0
      ? `Streaming is not allowed for service [${endpoint.service}].`
      : `Streaming is not allowed for service [${endpoint.service}] and task [${endpoint.taskType}]. Supported tasks: [${supported.join(',')}]`,
  );
}

function schemaFromOperation(context: ApiContext, operationId: string, title: 'CompletionRequest' | 'ChatCompletionRequest'): JsonSchema {
  const schema = requestBodySchema(context.operations.get(operationId)!)!;
  const choices = schema.anyOf ?? [schema];
  return (
    choices.find((choice) => (title === 'ChatCompletionRequest' ? 'messages' in (choice.properties ?? {}) : 'input' in (choice.properties ?? {}))) ??
    choices[0]
  );
}

export async function streamChat(request: Request, response: Response, context: ApiContext, endpoint: StoredEndpoint, body: ChatCompletionRequest) {
  const call = callContext(endpoint, endpoint.taskSettings, callTimeout(request, context, 'chat_completion'), clientGoneSignal(response));
  const provider = context.providers.get(endpoint.service);
  await relayStream(response, call, withUsageNoted(provider.streamChatCompletion!(call, body)), unifiedEnvelope);
}

async function streamCompletion(request: Request, response: Response, context: ApiContext, endpoint: StoredEndpoint, body: { input: string | string[]; task_settings?: Record<string, unknown>; timeout?: string }) {
  const taskSettings = callTaskSettings(context, endpoint, body.task_settings);
  const call = callContext(endpoint, taskSettings, callTimeout(request, context, 'completion', body.timeout), clientGoneSignal(response));
  const provider = context.providers.get(endpoint.service);
  const input = typeof body.input === 'string' ? [body.input] : body.input;
  await relayStream(response, call, provider.streamCompletion!(call, { input }), elasticsearchEnvelope);
}

/** POST /_inference/completion/{id}/_stream and /_inference[/{task_type}]/{id}/_stream. */
export function streamHandler(operationId: string): Handler {
  return async (request, response, context) => {
    const requested = request.path.startsWith('/_inference/completion/') ? 'completion' : urlTaskType(request);
    requireBody(request);
    const inferenceId = pathParam(request, 'inference_id') ?? '';
    const stored = context.store.get(inferenceId);
    const isChat = stored?.taskType === 'chat_completion' && requested !== 'completion';
    const schema = schemaFromOperation(context, operationId, isChat ? 'ChatCompletionRequest' : 'CompletionRequest');
    if (isChat) {
      setErrorStyle(response, 'unified');
      const body = validatedBody<ChatCompletionRequest>(request, context, schema, { parser: CHAT_PARSER });
      setErrorStyle(response, 'sse-unified');
      checkTaskTypeForInference(stored, requested);
      await streamChat(request, response, context, stored, body);
      return;
    }
    const body = validatedBody<{ input: string | string[] }>(request, context, schema, { parser: INFERENCE_PARSER });
    setErrorStyle(response, 'sse-elasticsearch');
    const endpoint = findEndpoint(context.store, inferenceId);
    checkTaskTypeForInference(endpoint, requested);
    checkStreamable(context, endpoint);
    await streamCompletion(request, response, context, endpoint, body);
  };
}
