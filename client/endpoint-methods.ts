/** The typed client's calls that manage the server, the endpoints and the services list. */
import { ClientBase, unwrap } from './client-base';
import type {
  CallOptions,
  CreateEndpointRequest,
  DeleteEndpointResponse,
  EndpointInfo,
  GetEndpointsResponse,
  GetServicesResponse,
  InferenceId,
  RootInfo,
  TaskTypePath,
  UpdateEndpointRequest,
} from './types';

export abstract class EndpointMethods extends ClientBase {
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
}
