import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../generated/openapi';
import { errorFromResponse } from './errors';
import { openEventStream, type EventStream } from './sse';
import type {
  CallOptions,
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  CompletionRequest,
  CompletionResult,
  CompletionStreamEvent,
  CreateEndpointRequest,
  DeleteEndpointResponse,
  EmbeddingRequest,
  EmbeddingResult,
  EndpointInfo,
  GetEndpointsResponse,
  GetServicesResponse,
  InferenceId,
  InferenceRequest,
  InferenceResult,
  RerankRequest,
  RerankResult,
  RootInfo,
  SparseEmbeddingRequest,
  SparseEmbeddingResult,
  TaskTypePath,
  TextEmbeddingRequest,
  TextEmbeddingResult,
  UpdateEndpointRequest,
} from './types';

export interface InfergateClientOptions {
  /** The server's root URL, e.g. `http://localhost:9200`. */
  baseUrl: string;
  /** Sent with every request (e.g. `Authorization`). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
}

/** Returns the body of a 2xx answer; throws InfergateError for any other. */
function unwrap<Result extends { data?: unknown; error?: unknown; response: Response }>({
  data,
  error,
  response,
}: Result): NonNullable<Result['data']> {
  if (!response.ok) throw errorFromResponse(response.status, error);
  return data as NonNullable<Result['data']>;
}

/**
 * A typed client for every operation of the infergate API. Methods resolve to the response body
 * and throw InfergateError on a non-2xx answer; streaming methods return an async iterable of events.
 */
export class InfergateClient {
  private readonly api: Client<paths>;

  constructor({ baseUrl, headers, fetch }: InfergateClientOptions) {
    this.api = createClient<paths>({ baseUrl, headers, fetch });
  }

  // --- Server ---

  async getInfo({ signal, ...query }: CallOptions<'getInfo'> = {}): Promise<RootInfo> {
    return unwrap(await this.api.GET('/', { params: { query }, signal }));
  }

  /** Resolves when the server answers 2xx. */
  async ping({ signal }: CallOptions<'ping'> = {}): Promise<void> {
    unwrap(await this.api.HEAD('/', { signal }));
  }

  // --- Endpoints ---

  async getAllEndpoints({ signal, ...query }: CallOptions<'getAllEndpoints'> = {}): Promise<GetEndpointsResponse> {
    return unwrap(await this.api.GET('/_inference', { params: { query }, signal }));
  }

  /** `GET /_inference/_all`, the same list as getAllEndpoints. */
  async getAllEndpointsWildcard({
    signal,
    ...query
  }: CallOptions<'getAllEndpointsWildcard'> = {}): Promise<GetEndpointsResponse> {
    return unwrap(await this.api.GET('/_inference/_all', { params: { query }, signal }));
  }

  /** A list of one endpoint; `_all` and `*` list every endpoint. */
  async getEndpoint(
    inferenceId: InferenceId,
    { signal, ...query }: CallOptions<'getEndpoint'> = {},
  ): Promise<GetEndpointsResponse> {
    return unwrap(
      await this.api.GET('/_inference/{inference_id}', {
        params: { path: { inference_id: inferenceId }, query },
        signal,
      }),
    );
  }

  async getEndpointWithTaskType(
    taskType: TaskTypePath,
    inferenceId: InferenceId,
    { signal, ...query }: CallOptions<'getEndpointWithTaskType'> = {},
  ): Promise<GetEndpointsResponse> {
    return unwrap(
      await this.api.GET('/_inference/{task_type}/{inference_id}', {
        params: { path: { task_type: taskType, inference_id: inferenceId }, query },
        signal,
      }),
    );
  }

  async getEndpointsByTaskType(
    taskType: TaskTypePath,
    { signal, ...query }: CallOptions<'getEndpointsByTaskType'> = {},
  ): Promise<GetEndpointsResponse> {
    return unwrap(
      await this.api.GET('/_inference/{task_type}/_all', { params: { path: { task_type: taskType }, query }, signal }),
    );
  }

  /** Creates an endpoint whose task type is in the body. */
  async putEndpoint(
    inferenceId: InferenceId,
    body: CreateEndpointRequest,
    { signal, ...query }: CallOptions<'putEndpoint'> = {},
  ): Promise<EndpointInfo> {
    return unwrap(
      await this.api.PUT('/_inference/{inference_id}', {
        params: { path: { inference_id: inferenceId }, query },
        body,
        signal,
      }),
    );
  }

  async putEndpointWithTaskType(
    taskType: TaskTypePath,
    inferenceId: InferenceId,
    body: CreateEndpointRequest,
    { signal, ...query }: CallOptions<'putEndpointWithTaskType'> = {},
  ): Promise<EndpointInfo> {
    return unwrap(
      await this.api.PUT('/_inference/{task_type}/{inference_id}', {
        params: { path: { task_type: taskType, inference_id: inferenceId }, query },
        body,
        signal,
      }),
    );
  }

  /** Replaces secrets and merges task settings; other settings cannot change. */
  async updateEndpoint(
    inferenceId: InferenceId,
    body: UpdateEndpointRequest,
    { signal, ...query }: CallOptions<'updateEndpoint'> = {},
  ): Promise<EndpointInfo> {
    return unwrap(
      await this.api.PUT('/_inference/{inference_id}/_update', {
        params: { path: { inference_id: inferenceId }, query },
        body,
        signal,
      }),
    );
  }

  async updateEndpointWithTaskType(
    taskType: TaskTypePath,
    inferenceId: InferenceId,
    body: UpdateEndpointRequest,
    { signal, ...query }: CallOptions<'updateEndpointWithTaskType'> = {},
  ): Promise<EndpointInfo> {
    return unwrap(
      await this.api.PUT('/_inference/{task_type}/{inference_id}/_update', {
        params: { path: { task_type: taskType, inference_id: inferenceId }, query },
        body,
        signal,
      }),
    );
  }

  /** Default endpoints need `force: true`; `dry_run: true` reports without deleting. */
  async deleteEndpoint(
    inferenceId: InferenceId,
    { signal, ...query }: CallOptions<'deleteEndpoint'> = {},
  ): Promise<DeleteEndpointResponse> {
    return unwrap(
      await this.api.DELETE('/_inference/{inference_id}', {
        params: { path: { inference_id: inferenceId }, query },
        signal,
      }),
    );
  }

  async deleteEndpointWithTaskType(
    taskType: TaskTypePath,
    inferenceId: InferenceId,
    { signal, ...query }: CallOptions<'deleteEndpointWithTaskType'> = {},
  ): Promise<DeleteEndpointResponse> {
    return unwrap(
      await this.api.DELETE('/_inference/{task_type}/{inference_id}', {
        params: { path: { task_type: taskType, inference_id: inferenceId }, query },
        signal,
      }),
    );
  }

  // --- Services ---

  async getServices({ signal, ...query }: CallOptions<'getServices'> = {}): Promise<GetServicesResponse> {
    return unwrap(await this.api.GET('/_inference/_services', { params: { query }, signal }));
  }

  async getServicesByTaskType(
    taskType: TaskTypePath,
    { signal, ...query }: CallOptions<'getServicesByTaskType'> = {},
  ): Promise<GetServicesResponse> {
    return unwrap(
      await this.api.GET('/_inference/_services/{task_type}', {
        params: { path: { task_type: taskType }, query },
        signal,
      }),
    );
  }

  // --- Inference ---

  /** Runs the endpoint's task; the result's shape follows the endpoint's task type. */
  async inference(
    inferenceId: InferenceId,
    body: InferenceRequest,
    { signal, ...query }: CallOptions<'inference'> = {},
  ): Promise<InferenceResult> {
    return unwrap(
      await this.api.POST('/_inference/{inference_id}', {
        params: { path: { inference_id: inferenceId }, query },
        body,
        signal,
      }),
    );
  }

  async inferenceWithTaskType(
    taskType: TaskTypePath,
    inferenceId: InferenceId,
    body: InferenceRequest,
    { signal, ...query }: CallOptions<'inferenceWithTaskType'> = {},
  ): Promise<InferenceResult> {
    return unwrap(
      await this.api.POST('/_inference/{task_type}/{inference_id}', {
        params: { path: { task_type: taskType, inference_id: inferenceId }, query },
        body,
        signal,
      }),
    );
  }

  async textEmbedding(
    inferenceId: InferenceId,
    body: TextEmbeddingRequest,
    { signal, ...query }: CallOptions<'textEmbedding'> = {},
  ): Promise<TextEmbeddingResult> {
    return unwrap(
      await this.api.POST('/_inference/text_embedding/{inference_id}', {
        params: { path: { inference_id: inferenceId }, query },
        body,
        signal,
      }),
    );
  }

  async sparseEmbedding(
    inferenceId: InferenceId,
    body: SparseEmbeddingRequest,
    { signal, ...query }: CallOptions<'sparseEmbedding'> = {},
  ): Promise<SparseEmbeddingResult> {
    return unwrap(
      await this.api.POST('/_inference/sparse_embedding/{inference_id}', {
        params: { path: { inference_id: inferenceId }, query },
        body,
        signal,
      }),
    );
  }

  /** Dense vectors of texts or content objects (Elasticsearch 9.4+'s `embedding` task). */
  async embedding(
    inferenceId: InferenceId,
    body: EmbeddingRequest,
    { signal, ...query }: CallOptions<'embedding'> = {},
  ): Promise<EmbeddingResult> {
    return unwrap(
      await this.api.POST('/_inference/embedding/{inference_id}', {
        params: { path: { inference_id: inferenceId }, query },
        body,
        signal,
      }),
    );
  }

  async rerank(
    inferenceId: InferenceId,
    body: RerankRequest,
    { signal, ...query }: CallOptions<'rerank'> = {},
  ): Promise<RerankResult> {
    return unwrap(
      await this.api.POST('/_inference/rerank/{inference_id}', {
        params: { path: { inference_id: inferenceId }, query },
        body,
        signal,
      }),
    );
  }

  async completion(
    inferenceId: InferenceId,
    body: CompletionRequest,
    { signal, ...query }: CallOptions<'completion'> = {},
  ): Promise<CompletionResult> {
    return unwrap(
      await this.api.POST('/_inference/completion/{inference_id}', {
        params: { path: { inference_id: inferenceId }, query },
        body,
        signal,
      }),
    );
  }

  /** A whole (non-streamed) OpenAI `chat.completion`; errors carry the unified envelope. */
  async chatCompletion(
    inferenceId: InferenceId,
    body: ChatCompletionRequest,
    { signal, ...query }: CallOptions<'chatCompletion'> = {},
  ): Promise<ChatCompletion> {
    return unwrap(
      await this.api.POST('/_inference/chat_completion/{inference_id}', {
        params: { path: { inference_id: inferenceId }, query },
        body,
        signal,
      }),
    );
  }

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
