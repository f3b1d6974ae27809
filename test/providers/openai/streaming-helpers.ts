/** What the streaming tests share: a server and a mock OpenAI per test file, endpoints on the mock, and reading the
 * frames of completion and chat streams. */
import { DEFAULT_API_KEY, startMockOpenAi, type JsonObject, type MockOpenAi } from './mock-openai';
import { BOM, postRaw, type Frame } from '../../support/assertions';
import type { TestServer } from '../../support/server';
import { withMockedService } from '../../support/service-setup';

export interface StreamingService {
  readonly server: TestServer;
  readonly mock: MockOpenAi;
  post(path: string, body: unknown): ReturnType<typeof postRaw>;
  createEndpoint(taskType: 'completion' | 'chat_completion' | 'text_embedding', id: string, extra?: Record<string, unknown>): Promise<void>;
}

/** Starts the server and the mock for the calling test file (before its own beforeAll hooks run). */
export function streamingService(): StreamingService {
  // These tests point endpoints at URLs of their own (the mock's, or a scripted server): no origin override.
  const openai = withMockedService('openai', () => startMockOpenAi(), { upstreamOrigins: {} });
  return {
    get server() {
      return openai.server;
    },
    get mock() {
      return openai.mock;
    },
    post: (path, body) => postRaw(openai.server, path, body),
    async createEndpoint(taskType, id, extra = {}) {
      const { server, mock } = openai;
      const put = await server.call('PUT', `/_inference/${taskType}/${id}`, {
        service: 'openai',
        service_settings: {
          api_key: DEFAULT_API_KEY,
          model_id: taskType === 'text_embedding' ? 'text-embedding-3-small' : 'gpt-4o-mini',
          url: taskType === 'text_embedding' ? mock.embeddingsUrl : mock.chatUrl,
          ...(taskType === 'text_embedding' ? { dimensions: 4 } : {}),
        },
        ...extra,
      });
      expect(put.status).toBe(200);
      mock.reset(); // forget the validation call
    },
  };
}

export const json = (frame: Frame) => JSON.parse(frame.data) as JsonObject;

export const esErrorFrame = (status: number, type: string, reason: string) =>
  `${BOM}event: error\ndata: ${JSON.stringify({ error: { root_cause: [{ type, reason }], type, reason }, status })}\n\n`;

export const COMPLETION_STREAM =
  /^(\uFEFFevent: message\ndata: \{"completion":\[\{"delta":"[^"]*"\}(,\{"delta":"[^"]*"\})*\]\}\n\n)+\uFEFFevent: message\ndata: \[DONE\]\n\n$/;

export function completionDeltas(frames: Frame[]): string {
  return frames
    .filter((frame) => frame.data !== '[DONE]' && frame.event === 'message')
    .flatMap((frame) => (json(frame).completion as Array<{ delta: string }>).map((d) => d.delta))
    .join('');
}

export const chatMessages = (text: string) => ({ messages: [{ role: 'user', content: text }] });

export function chatContent(frames: Frame[]): string {
  return frames
    .filter((frame) => frame.event === 'message' && frame.data !== '[DONE]')
    .flatMap((frame) => (json(frame).choices as Array<{ delta: { content?: string } }>).map((c) => c.delta.content ?? ''))
    .join('');
}
