/**
 * The official Elasticsearch clients (8.19 and 9.x) as the es-clients tests drive them: one adapter per client, so
 * that each call is checked against that client's own types while the test bodies are shared.
 */
import { Client as Client8, errors as errors8, type estypes as es8 } from 'es8';
import { Client as Client9, errors as errors9, type estypes as es9 } from 'es9';
import type { Readable } from 'node:stream';

export type TaskType = 'text_embedding' | 'sparse_embedding' | 'rerank' | 'completion' | 'chat_completion';

export interface EndpointConfig {
  service: string;
  service_settings: Record<string, unknown>;
  task_settings?: Record<string, unknown>;
}

export interface EndpointInfo extends EndpointConfig {
  inference_id: string;
  task_type: string;
  chunking_settings?: object;
}

export interface ChatMessage {
  role: string;
  content: string;
}

export interface RankedDocument {
  index: number;
  relevance_score: number;
  text?: string;
}

export interface ResponseErrorLike {
  statusCode?: number;
  body: unknown;
}

/** The calls the tests make, written once per client below. */
export interface EsClientUnderTest {
  put(taskType: TaskType, inferenceId: string, config: EndpointConfig): Promise<EndpointInfo>;
  getAll(): Promise<{ endpoints: EndpointInfo[] }>;
  get(inferenceId: string, taskType?: TaskType): Promise<{ endpoints: EndpointInfo[] }>;
  inference(taskType: TaskType, inferenceId: string, input: string | string[], query?: string): Promise<unknown>;
  textEmbedding(inferenceId: string, input: string[]): Promise<{ text_embedding: Array<{ embedding: number[] }> }>;
  completion(inferenceId: string, input: string): Promise<{ completion: Array<{ result: string }> }>;
  rerank(inferenceId: string, query: string, input: string[], taskSettings?: Record<string, unknown>): Promise<{ rerank: RankedDocument[] }>;
  /** With `asStream: true`: the raw body, and the response headers. */
  streamCompletion(inferenceId: string, input: string): Promise<{ body: Readable; headers: Record<string, unknown> }>;
  chatCompletionUnified(inferenceId: string, messages: ChatMessage[]): Promise<{ body: Readable; headers: Record<string, unknown> }>;
  update(inferenceId: string, serviceSettings: Record<string, unknown>, taskType?: TaskType): Promise<EndpointInfo>;
  delete(inferenceId: string, force?: boolean): Promise<{ acknowledged: boolean; pipelines?: string[]; indexes?: string[] }>;
  isResponseError(error: unknown): error is ResponseErrorLike;
  close(): Promise<void>;
}

/** The clients type the stream result as ArrayBuffer; with `asStream: true` it is a Node readable at run time. */
const asReadable = (body: unknown): Readable => body as Readable;

function es8Client(node: string): EsClientUnderTest {
  const client = new Client8({ node });
  const { inference } = client;
  return {
    put: (task_type, inference_id, inference_config) => inference.put({ task_type, inference_id, inference_config }),
    getAll: () => inference.get(),
    get: (inference_id, task_type) => inference.get({ inference_id, task_type }),
    inference: (task_type, inference_id, input, query) => inference.inference({ task_type, inference_id, input, query }),
    textEmbedding: async (inference_id, input) => {
      const result = await inference.textEmbedding({ inference_id, input });
      return { text_embedding: result.text_embedding ?? [] };
    },
    completion: (inference_id, input) => inference.completion({ inference_id, input }),
    rerank: (inference_id, query, input, task_settings) => inference.rerank({ inference_id, query, input, task_settings }),
    streamCompletion: async (inference_id, input) => {
      const result = await inference.streamCompletion({ inference_id, input }, { asStream: true, meta: true });
      return { body: asReadable(result.body), headers: result.headers };
    },
    chatCompletionUnified: async (inference_id, messages) => {
      const result = await inference.chatCompletionUnified(
        { inference_id, chat_completion_request: { messages } },
        { asStream: true, meta: true },
      );
      return { body: asReadable(result.body), headers: result.headers };
    },
    // The client types the _update body as a whole endpoint (with `service`), as the spec example does; the server,
    // like Elasticsearch (reference §2.7, §14), refuses `service` in an _update body.
    update: (inference_id, service_settings, task_type) =>
      inference.update({ inference_id, task_type, inference_config: { service_settings } as es8.InferenceInferenceEndpoint }),
    delete: (inference_id, force) => inference.delete({ inference_id, force }),
    isResponseError: (error): error is ResponseErrorLike => error instanceof errors8.ResponseError,
    close: () => client.close(),
  };
}

function es9Client(node: string): EsClientUnderTest {
  const client = new Client9({ node });
  const { inference } = client;
  return {
    put: (task_type, inference_id, inference_config) => inference.put({ task_type, inference_id, inference_config }),
    getAll: () => inference.get(),
    get: (inference_id, task_type) => inference.get({ inference_id, task_type }),
    inference: (task_type, inference_id, input, query) => inference.inference({ task_type, inference_id, input, query }),
    textEmbedding: async (inference_id, input) => {
      const result = await inference.textEmbedding({ inference_id, input });
      return { text_embedding: result?.text_embedding ?? [] };
    },
    completion: (inference_id, input) => inference.completion({ inference_id, input }),
    rerank: (inference_id, query, input, task_settings) => inference.rerank({ inference_id, query, input, task_settings }),
    streamCompletion: async (inference_id, input) => {
      const result = await inference.streamCompletion({ inference_id, input }, { asStream: true, meta: true });
      return { body: asReadable(result.body), headers: result.headers };
    },
    chatCompletionUnified: async (inference_id, messages) => {
      const result = await inference.chatCompletionUnified(
        { inference_id, chat_completion_request: { messages } },
        { asStream: true, meta: true },
      );
      return { body: asReadable(result.body), headers: result.headers };
    },
    update: (inference_id, service_settings, task_type) =>
      inference.update({ inference_id, task_type, inference_config: { service_settings } as es9.InferenceInferenceEndpoint }),
    delete: (inference_id, force) => inference.delete({ inference_id, force }),
    isResponseError: (error): error is ResponseErrorLike => error instanceof errors9.ResponseError,
    close: () => client.close(),
  };
}

export async function readAll(body: Readable): Promise<string> {
  let text = '';
  for await (const chunk of body) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}

/** The `data:` payloads of an SSE body, in order (BOMs before `event:` are tolerated). */
export function dataLines(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice('data: '.length));
}

export async function expectResponseError(client: EsClientUnderTest, promise: Promise<unknown>, statusCode: number, type: string): Promise<ResponseErrorLike> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(client.isResponseError(error)).toBe(true);
  const responseError = error as ResponseErrorLike;
  expect(responseError.statusCode).toBe(statusCode);
  expect(responseError.body).toMatchObject({ error: { type }, status: statusCode });
  return responseError;
}

/** For describe.each: title, id prefix, adapter. */
export const ES_CLIENTS: Array<[string, string, (node: string) => EsClientUnderTest]> = [
  ['@elastic/elasticsearch 8.19', 'es8', es8Client],
  ['@elastic/elasticsearch 9.x', 'es9', es9Client],
];
