/** What a provider adapter implements. A provider lives in its own folder under providers/ (its index exports
 * `createProvider`) and is found by the registry; nothing else in the server names it. */
import type { components } from '../../generated/openapi';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Settings, StoredEndpoint } from '../store/endpoint-store';
import type { Deadline } from '../inference/deadline';
import type { ProviderHttp } from './shared/provider-http';

type Schemas = components['schemas'];
export type TextEmbeddingResult = Schemas['TextEmbeddingResult'];
export type SparseEmbeddingResult = Schemas['SparseEmbeddingResult'];
export type RerankResult = Schemas['RerankResult'];
export type CompletionResult = Schemas['CompletionResult'];
export type CompletionStreamEvent = Schemas['CompletionStreamEvent'];
export type ChatCompletionRequest = Schemas['ChatCompletionRequest'];
export type ChatCompletion = Schemas['ChatCompletion'];
export type ChatCompletionChunk = Schemas['ChatCompletionChunk'];

export interface CallContext {
  endpoint: StoredEndpoint;
  /** Stored task settings with the request's merged over them. */
  taskSettings: Settings;
  deadline: Deadline;
}

export interface EmbeddingInput {
  input: string[];
  inputType?: string;
}

export interface RerankInput {
  input: string[];
  query: string;
  topN?: number;
  returnDocuments?: boolean;
}

export interface InferenceProvider {
  textEmbedding?(context: CallContext, input: EmbeddingInput): Promise<TextEmbeddingResult>;
  sparseEmbedding?(context: CallContext, input: EmbeddingInput): Promise<SparseEmbeddingResult>;
  rerank?(context: CallContext, input: RerankInput): Promise<RerankResult>;
  completion?(context: CallContext, input: { input: string[] }): Promise<CompletionResult>;
  streamCompletion?(context: CallContext, input: { input: string[] }): AsyncIterable<CompletionStreamEvent>;
  chatCompletion?(context: CallContext, request: ChatCompletionRequest): Promise<ChatCompletion>;
  streamChatCompletion?(context: CallContext, request: ChatCompletionRequest): AsyncIterable<ChatCompletionChunk>;
  /**
   * Called once by PUT before the endpoint is stored (unless validation is skipped). Returns service settings
   * learned from the provider, e.g. `dimensions` and `similarity` of a text embedding endpoint.
   */
  validateEndpoint?(context: CallContext): Promise<Settings>;
}

export interface ProviderDependencies {
  config: Config;
  http: ProviderHttp;
  logger: Logger;
}

export type ProviderFactory = (dependencies: ProviderDependencies) => InferenceProvider;
