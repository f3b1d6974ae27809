/**
 * Short names for the generated OpenAPI types that the client's methods take and return.
 * Request bodies go through `Writable` and responses through `Readable`, as openapi-fetch does,
 * so writeOnly secrets (such as `api_key`) are accepted in requests and never expected in responses.
 */
import type { components, operations, Readable, Writable } from '../generated/openapi';

type Schemas = components['schemas'];

export type TaskType = Schemas['TaskType'];
/** A task type in a URL: case-insensitive, and `any` matches every task type. */
export type TaskTypePath = components['parameters']['TaskTypePath'];
export type InferenceId = components['parameters']['InferenceId'];

export type RootInfo = Readable<Schemas['RootInfo']>;
export type EndpointInfo = Readable<Schemas['EndpointInfo']>;
export type GetEndpointsResponse = Readable<Schemas['GetEndpointsResponse']>;
export type DeleteEndpointResponse = Readable<Schemas['DeleteEndpointResponse']>;
export type ServiceInfo = Readable<Schemas['ServiceInfo']>;
export type GetServicesResponse = Readable<Schemas['GetServicesResponse']>;

export type CreateEndpointRequest = Writable<Schemas['CreateEndpointRequest']>;
export type UpdateEndpointRequest = Writable<Schemas['UpdateEndpointRequest']>;

export type InferenceRequest = Writable<Schemas['InferenceRequest']>;
export type InferenceResult = Readable<Schemas['InferenceResult']>;
export type TextEmbeddingRequest = Writable<Schemas['TextEmbeddingRequest']>;
export type TextEmbeddingResult = Readable<Schemas['TextEmbeddingResult']>;
export type SparseEmbeddingRequest = Writable<Schemas['SparseEmbeddingRequest']>;
export type SparseEmbeddingResult = Readable<Schemas['SparseEmbeddingResult']>;
export type EmbeddingRequest = Writable<Schemas['EmbeddingRequest']>;
export type EmbeddingResult = Readable<Schemas['EmbeddingResult']>;
export type RerankRequest = Writable<Schemas['RerankRequest']>;
export type RerankResult = Readable<Schemas['RerankResult']>;
export type CompletionRequest = Writable<Schemas['CompletionRequest']>;
export type CompletionResult = Readable<Schemas['CompletionResult']>;
export type CompletionStreamEvent = Readable<Schemas['CompletionStreamEvent']>;
export type ChatCompletionRequest = Writable<Schemas['ChatCompletionRequest']>;
export type ChatCompletion = Readable<Schemas['ChatCompletion']>;
export type ChatCompletionChunk = Readable<Schemas['ChatCompletionChunk']>;

export type ElasticsearchError = Readable<Schemas['ElasticsearchError']>;
export type UnifiedError = Readable<Schemas['UnifiedError']>;

type QueryParameters<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;

/**
 * The last argument of every method: the operation's query parameters (`timeout`, `pretty`,
 * `filter_path`, `force`, `dry_run`, ... as the spec allows them) and an optional abort signal.
 */
export type CallOptions<Op extends keyof operations> = ([QueryParameters<Op>] extends [never]
  ? {}
  : QueryParameters<Op>) & { signal?: AbortSignal };
