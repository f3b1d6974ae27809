/** What a provider adapter implements. A provider lives in its own folder under providers/ (its index exports
 * `createProvider`) and is listed in providers/index.ts. */
import type { components } from '../../generated/openapi';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Settings, StoredEndpoint } from '../store/endpoint-store';
import type { CallContext } from '../inference/call-context';
import type { ProviderHttp } from './kit/http-transport';

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
export type EmbeddingResult = Schemas['EmbeddingResult'];
export type Similarity = NonNullable<Schemas['Similarity']>;

export type { CallContext } from '../inference/call-context';

export interface EmbeddingInput {
  input: string[];
  inputType?: string;
}

/** One item of an `embedding` input (reference §5): text, or a base64 data URI of another media type. */
export interface EmbeddingItem {
  type: 'text' | 'image' | 'audio' | 'video' | 'pdf';
  format: 'text' | 'base64';
  value: string;
}

/** The inputs of an `embedding` call: one embedding per input, each made of one or more items. */
export interface MultimodalEmbeddingInput {
  input: EmbeddingItem[][];
  inputType?: string;
}

/** Which `input_type` a text_embedding call may give (Elasticsearch's per-service validateInputType): none but the
 * internal ones (most services on OpenAI's wire), or an allowlist named after the service. */
export type InputTypeRule = { kind: 'internal-only' } | { kind: 'allowlist'; values: readonly string[]; serviceName: string };

/** What text_embedding validation records (reference §2.1 step 8). */
export interface EmbeddingValidation {
  /** The similarity stored when the user gave none (some services' depends on the endpoint's embedding type). */
  defaultSimilarity: Similarity | ((context: CallContext) => Similarity);
  /** Whether a `dimensions` the user set must equal what the provider returns (else the returned size wins). */
  userDimensionsMustMatch: boolean;
  /** Stored whatever the user gave (AlibabaCloud AI Search's updateModelWithEmbeddingDetails always sets dot_product). */
  fixedSimilarity?: Similarity;
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
  embedding?(context: CallContext, input: MultimodalEmbeddingInput): Promise<EmbeddingResult>;
  rerank?(context: CallContext, input: RerankInput): Promise<RerankResult>;
  completion?(context: CallContext, input: { input: string[] }): Promise<CompletionResult>;
  streamCompletion?(context: CallContext, input: { input: string[] }): AsyncIterable<CompletionStreamEvent>;
  chatCompletion?(context: CallContext, request: ChatCompletionRequest): Promise<ChatCompletion>;
  streamChatCompletion?(context: CallContext, request: ChatCompletionRequest): AsyncIterable<ChatCompletionChunk>;
  /** The `input_type` values its text_embedding calls take (absent: any). */
  inputTypes?: InputTypeRule;
  /** The input type of the validation call's text embedding (default `ingest`, as Elasticsearch's INTERNAL_INGEST). */
  validationInputType?(context: CallContext): string | undefined;
  /** The rerank the validation call makes (default: query `test query` over two documents). */
  rerankValidation?: RerankInput;
  /** How the generic validation call (server/inference/validation-call.ts) reads a text embedding. */
  embeddingValidation?: EmbeddingValidation;
  /** `embedding` inputs the service takes beyond one text item per input (else refused as Elasticsearch does). */
  embeddingInputs?: { nonText: boolean; multipleItems: boolean };
  /**
   * Replaces the generic validation call, for a service that needs its own: called once by PUT before the endpoint
   * is stored (unless validation is skipped); returns service settings learned from the provider.
   */
  validateEndpoint?(context: CallContext): Promise<Settings>;
  /**
   * Called by PUT before the validation call, whether or not validation is skipped: the checks only the service
   * can make (does the model exist, does it fit the task type) and whatever makes the endpoint ready to serve
   * (a local deployment is started, unless `start` is false: validation is skipped). Its errors reach the client as
   * they are. Returns the service settings to store: the given ones with what it learned.
   */
  prepareEndpoint?(context: CallContext, options: { start: boolean }): Promise<Settings>;
  /** The endpoint's stored settings changed (`_update`). */
  endpointUpdated?(endpoint: StoredEndpoint): Promise<void>;
  /** PUT stored the endpoint it called prepareEndpoint for. */
  endpointCreated?(endpoint: StoredEndpoint): Promise<void>;
  /** PUT failed after calling prepareEndpoint: what that PUT started for the endpoint is undone (unless another
   * endpoint uses it); `remaining` are the stored endpoints. */
  endpointAbandoned?(endpoint: StoredEndpoint, remaining: readonly StoredEndpoint[]): Promise<void>;
  /** The endpoint is gone (DELETE); `remaining` are all the others. */
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
