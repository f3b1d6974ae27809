/** The typed client's inference calls that answer with one JSON body. */
import { EndpointMethods } from './endpoint-methods';
import { unwrap } from './client-base';
import type {
  CallOptions,
  ChatCompletion,
  ChatCompletionRequest,
  CompletionRequest,
  CompletionResult,
  EmbeddingRequest,
  EmbeddingResult,
  InferenceId,
  InferenceRequest,
  InferenceResult,
  RerankRequest,
  RerankResult,
  SparseEmbeddingRequest,
  SparseEmbeddingResult,
  TaskTypePath,
  TextEmbeddingRequest,
  TextEmbeddingResult,
} from './types';

export abstract class InferenceMethods extends EndpointMethods {
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
}
