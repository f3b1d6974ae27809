/** The chat routes (reference §2.6): POST /_inference/chat_completion/{id}/_stream (OpenAI chunks as events) and
 * POST /_inference/chat_completion/{id} (one `chat.completion` object). Errors use the unified envelope. */
import type { Request, Response } from 'express';
import { callContext, runCall } from '../inference/call';
import { requestBodySchema } from '../openapi/document';
import type { ChatCompletionRequest } from '../providers/types';
import type { StoredEndpoint } from '../store/endpoint-store';
import { type ApiContext, type Handler, callTimeout, clientGoneSignal, pathParam } from './context';
import { findEndpoint } from './endpoint-lookup';
import { setErrorStyle } from './error-style';
import { checkTaskTypeForInference } from './perform-inference';
import { CHAT_PARSER, validatedBody } from './request-body';
import { streamChat } from './stream-inference';
import { noteChatUsage } from '../observability/request-scope';

/** The body, then the endpoint, which must be a chat_completion one: Elasticsearch's generic task-type check
 * answers here (`Incompatible task_type, the requested type [chat_completion] does not match the model type [..]`). */
function chatRequest(request: Request, response: Response, context: ApiContext, operationId: string) {
  setErrorStyle(response, 'unified');
  const schema = requestBodySchema(context.operations.get(operationId)!)!;
  const body = validatedBody<ChatCompletionRequest>(request, context, schema, { parser: CHAT_PARSER });
  return { body, endpointId: pathParam(request, 'inference_id') ?? '' };
}

function chatEndpoint(context: ApiContext, inferenceId: string): StoredEndpoint {
  const endpoint = findEndpoint(context.store, inferenceId);
  checkTaskTypeForInference(endpoint, 'chat_completion');
  return endpoint;
}

export const chatCompletionStream: Handler = async (request, response, context) => {
  const { body, endpointId } = chatRequest(request, response, context, 'chatCompletionUnified');
  setErrorStyle(response, 'sse-unified');
  await streamChat(request, response, context, chatEndpoint(context, endpointId), body);
};

export const chatCompletion: Handler = async (request, response, context) => {
  const { body, endpointId } = chatRequest(request, response, context, 'chatCompletion');
  const endpoint = chatEndpoint(context, endpointId);
  const provider = context.providers.get(endpoint.service);
  const call = callContext(endpoint, endpoint.taskSettings, callTimeout(request, context, 'chat_completion'), clientGoneSignal(response));
  const answer = await runCall(call, () => provider.chatCompletion!(call, body));
  noteChatUsage(answer.usage);
  response.json(answer);
};
