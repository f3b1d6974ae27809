/** How the contract suite calls an endpoint of each task type, and what a good answer looks like. */
import type { components } from '../../../generated/openapi';
import { DONE_FRAME, framesOf, postRaw, type RawResponse } from '../assertions';
import type { TestResponse, TestServer } from '../server';

export type TaskType = components['schemas']['TaskType'];

export const STREAMED_ROUTE: Partial<Record<TaskType, (id: string) => string>> = {
  completion: (id) => `/_inference/completion/${id}/_stream`,
  chat_completion: (id) => `/_inference/chat_completion/${id}/_stream`,
};

const chatBody = { messages: [{ role: 'user', content: 'What is Elastic?' }] };

/** A request body of the task type's non-streamed route. */
export function inferenceBody(taskType: TaskType): Record<string, unknown> {
  switch (taskType) {
    case 'rerank':
      return { query: 'capital of France', input: ['Paris is the capital of France.', 'Bananas are yellow.'] };
    case 'completion':
      return { input: 'What is Elastic?' };
    case 'chat_completion':
      return chatBody;
    default:
      return { input: ['first text', 'second text'] };
  }
}

export const streamBody = (taskType: TaskType) => (taskType === 'chat_completion' ? chatBody : { input: 'What is Elastic?' });

/** Runs the task once; chat_completion streams, as it is used. */
export async function infer(server: TestServer, taskType: TaskType, id: string, query = ''): Promise<TestResponse | RawResponse> {
  if (taskType === 'chat_completion') return postRaw(server, `${STREAMED_ROUTE.chat_completion!(id)}${query}`, chatBody);
  return server.call('POST', `/_inference/${taskType}/${id}${query}`, inferenceBody(taskType));
}

/** A good answer of the task type (one result per input where the task has one). */
export function expectGoodAnswer(taskType: TaskType, response: TestResponse | RawResponse): void {
  expect(response.status).toBe(200);
  if (taskType === 'chat_completion' || !('json' in response)) {
    expectGoodStream(response as RawResponse);
    return;
  }
  const body = response.json;
  switch (taskType) {
    case 'text_embedding': {
      const vectors = body.text_embedding ?? body.text_embedding_bytes ?? body.text_embedding_bits;
      expect(vectors).toHaveLength(2);
      expect(vectors[0].embedding.length).toBeGreaterThan(0);
      break;
    }
    case 'embedding':
      expect(body.embeddings ?? body.embeddings_bytes ?? body.embeddings_bits).toHaveLength(2);
      break;
    case 'sparse_embedding':
      expect(body.sparse_embedding).toHaveLength(2);
      break;
    case 'rerank':
      expect(body.rerank.length).toBeGreaterThan(0);
      expect(body.rerank.every((entry: { index: number }) => entry.index === 0 || entry.index === 1)).toBe(true);
      break;
    case 'completion':
      expect(typeof body.completion[0].result).toBe('string');
      break;
  }
}

/** Elasticsearch's framing, message events, then `[DONE]`. */
export function expectGoodStream(response: RawResponse): void {
  expect(response.status).toBe(200);
  const frames = framesOf(response.text);
  expect(frames.length).toBeGreaterThan(1);
  expect(frames.every((frame) => frame.event === 'message')).toBe(true);
  expect(response.text.endsWith(DONE_FRAME)).toBe(true);
}
