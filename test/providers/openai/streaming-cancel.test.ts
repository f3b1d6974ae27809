/**
 * A streaming client that goes away cancels the upstream request.
 */
import type { MockOpenAi } from './mock-openai';
import { BOM, framesOf } from '../../support/assertions';
import type { TestServer } from '../../support/server';
import { newId } from '../../support/service-setup';
import { chatMessages, chatContent, streamingService } from './streaming-helpers';

const openai = streamingService();
const { post, createEndpoint } = openai;
let server: TestServer;
let mock: MockOpenAi;
beforeAll(() => ({ server, mock } = openai));

describe('a client that goes away cancels the upstream request', () => {
  async function readFirstEventThenAbort(path: string, body: unknown): Promise<string> {
    const controller = new AbortController();
    const response = await fetch(server.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    let text = '';
    while (!text.includes('\n\n')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before its first event: ${JSON.stringify(text)}`);
      text += decoder.decode(value, { stream: true });
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);
    return text;
  }

  test('chat stream', async () => {
    const id = newId('chat-stream-abort');
    await createEndpoint('chat_completion', id);
    mock.config.chunkDelayMs = 100;
    const first = await readFirstEventThenAbort(`/_inference/chat_completion/${id}/_stream`, chatMessages('a b c d e f g h i j k l m n o p'));
    expect(first.startsWith(`${BOM}event: message\ndata: {"id":`)).toBe(true);
    await mock.waitForAbortedRequests(1);
    expect(mock.abortedRequests).toBe(1);
    // The server is fine afterwards.
    mock.config.chunkDelayMs = 0;
    const again = await post(`/_inference/chat_completion/${id}/_stream`, chatMessages('again'));
    expect(again.status).toBe(200);
    expect(chatContent(framesOf(again.text))).toBe('Echo: again');
  });

  test('completion stream', async () => {
    const id = newId('cmp-stream-abort');
    await createEndpoint('completion', id);
    mock.config.chunkDelayMs = 100;
    const first = await readFirstEventThenAbort(`/_inference/completion/${id}/_stream`, { input: 'a b c d e f g h i j k l m n o p' });
    expect(first.startsWith(`${BOM}event: message\ndata: {"completion":[{"delta":`)).toBe(true);
    await mock.waitForAbortedRequests(1);
  });
});
