/** What a provider adapter implements. A provider lives in its own folder under providers/ (its index exports
 * `createProvider`) and is found by the registry; nothing else in the server names it. */
import type { components } from '../../generated/openapi';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Settings, StoredEndpoint } from '../store/endpoint-store';
import type { CallContext } from '../inference/call-context';
import type { ProviderHttp } from './kit/provider-http';

type Schemas = components['schemas'];
export type TextEmbeddingResult = Schemas['TextEmbeddingResult'];
export type SparseEmbeddingResult = Schemas['SparseEmbeddingResult'];
export type RerankResult = Schemas['RerankResult'];
export type CompletionResult = Schemas['CompletionResult'];
export type CompletionStreamEvent = Schemas['CompletionStreamEvent'];
export type ChatCompletionRequest = Schemas['ChatCompletionRequest'];
export type ChatCompletion = Schemas['ChatCompletion'];
export type ChatCompletionChunk = Schemas['ChatCompletionChunk'];
export type TrainedModelStats = Schemas['TrainedModelStats'];

export type { CallContext } from '../inference/call-context';

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
  /**
   * Called by PUT before the validation call, whether or not validation is skipped: the checks only the service
   * can make (does the model exist, does it fit the task type) and whatever makes the endpoint ready to serve
   * (a local deployment is started). Its errors reach the client as they are. Returns the service settings to
   * store: the given ones with what it learned.
   */
  prepareEndpoint?(context: CallContext): Promise<Settings>;
  /** The endpoint's stored settings changed (`_update`). */
  endpointUpdated?(endpoint: StoredEndpoint): Promise<void>;
  /** The endpoint is gone (DELETE, or a PUT that failed after prepareEndpoint); `remaining` are all the others. */
  endpointRemoved?(endpoint: StoredEndpoint, remaining: readonly StoredEndpoint[]): Promise<void>;
  /** Settings that change while the endpoint lives (e.g. adaptive allocations), shown by GET. */
  liveServiceSettings?(endpoint: StoredEndpoint): Settings;
  /** Endpoints that exist without a PUT (reference §9.3), as PUT bodies. */
  defaultEndpoints?(): DefaultEndpoint[];
  /** The stored endpoints of this service, once at start-up. */
  resumeEndpoints?(endpoints: readonly StoredEndpoint[]): void;
  /** Models the service runs itself (`GET /_ml/trained_models/_stats`). */
  trainedModels?: TrainedModels;
  close?(): Promise<void>;
}

export interface DefaultEndpoint {
  inference_id: string;
  task_type: string;
  service: string;
  service_settings: Settings;
  task_settings?: Settings;
}

export interface TrainedModels {
  /** Model and deployment ids an inference endpoint may not take as its id (reference §1.4). */
  ids(): string[];
  /** Every deployment, then every installed model without one. */
  stats(): TrainedModelStats[];
}

export interface ProviderDependencies {
  config: Config;
  http: ProviderHttp;
  logger: Logger;
}

export type ProviderFactory = (dependencies: ProviderDependencies) => InferenceProvider;
