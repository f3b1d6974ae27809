/** The typed client: `InfergateClient` and `createInfergateClient`. */
import { InferenceMethods } from './inference-methods';
import type { InfergateClientOptions } from './client-base';
import { openEventStream, type EventStream } from './sse';
import type {
  CallOptions,
  ChatCompletionChunk,
  ChatCompletionRequest,
  CompletionRequest,
  CompletionStreamEvent,
  InferenceId,
  TaskTypePath,
} from './types';

export type { InfergateClientOptions } from './client-base';

/**
 * A typed client for every operation of the infergate API. Methods resolve to the response body
 * and throw InfergateError on a non-2xx answer; streaming methods return an async iterable of events.
 * Its methods come in layers, one file each: client-base.ts, endpoint-methods.ts (server, endpoints, services),
 * inference-methods.ts (one JSON answer) and the streaming calls here.
 */
export class InfergateClient extends InferenceMethods {
  // --- Streaming (the request is sent when iteration starts) ---

  streamCompletion(
    inferenceId: InferenceId,
    body: CompletionRequest,
    { signal, ...query }: CallOptions<'streamCompletion'> = {},
  ): EventStream<CompletionStreamEvent> {
    return openEventStream(
      (abortSignal) =>
        this.api.POST('/_inference/completion/{inference_id}/_stream', {
          params: { path: { inference_id: inferenceId }, query },
          body,
          parseAs: 'stream',
          signal: abortSignal,
        }),
      signal,
    );
  }

  /** Streams OpenAI chunks; errors carry the unified envelope. */
  chatCompletionUnified(
    inferenceId: InferenceId,
    body: ChatCompletionRequest,
    { signal, ...query }: CallOptions<'chatCompletionUnified'> = {},
  ): EventStream<ChatCompletionChunk> {
    return openEventStream(
      (abortSignal) =>
        this.api.POST('/_inference/chat_completion/{inference_id}/_stream', {
          params: { path: { inference_id: inferenceId }, query },
          body,
          parseAs: 'stream',
          signal: abortSignal,
        }),
      signal,
    );
  }

  /** On a completion endpoint streams completion deltas; with a chat body (chat_completion endpoint), OpenAI chunks. */
  streamInference(
    inferenceId: InferenceId,
    body: CompletionRequest,
    options?: CallOptions<'streamInference'>,
  ): EventStream<CompletionStreamEvent>;
  streamInference(
    inferenceId: InferenceId,
    body: ChatCompletionRequest,
    options?: CallOptions<'streamInference'>,
  ): EventStream<ChatCompletionChunk>;
  streamInference(
    inferenceId: InferenceId,
    body: CompletionRequest | ChatCompletionRequest,
    { signal, ...query }: CallOptions<'streamInference'> = {},
  ): EventStream<CompletionStreamEvent | ChatCompletionChunk> {
    return openEventStream(
      (abortSignal) =>
        this.api.POST('/_inference/{inference_id}/_stream', {
          params: { path: { inference_id: inferenceId }, query },
          body,
          parseAs: 'stream',
          signal: abortSignal,
        }),
      signal,
    );
  }

  streamInferenceWithTaskType(
    taskType: TaskTypePath,
    inferenceId: InferenceId,
    body: CompletionRequest,
    options?: CallOptions<'streamInferenceWithTaskType'>,
  ): EventStream<CompletionStreamEvent>;
  streamInferenceWithTaskType(
    taskType: TaskTypePath,
    inferenceId: InferenceId,
    body: ChatCompletionRequest,
    options?: CallOptions<'streamInferenceWithTaskType'>,
  ): EventStream<ChatCompletionChunk>;
  streamInferenceWithTaskType(
    taskType: TaskTypePath,
    inferenceId: InferenceId,
    body: CompletionRequest | ChatCompletionRequest,
    { signal, ...query }: CallOptions<'streamInferenceWithTaskType'> = {},
  ): EventStream<CompletionStreamEvent | ChatCompletionChunk> {
    return openEventStream(
      (abortSignal) =>
        this.api.POST('/_inference/{task_type}/{inference_id}/_stream', {
          params: { path: { task_type: taskType, inference_id: inferenceId }, query },
          body,
          parseAs: 'stream',
          signal: abortSignal,
        }),
      signal,
    );
  }
}

export function createInfergateClient(options: InfergateClientOptions): InfergateClient {
  return new InfergateClient(options);
}
