/**
 * Streaming errors once the stream has started (reference §4): 200, message events, then an error event and no
 * [DONE]; timeouts between events.
 */
import type { MockOpenAi } from './mock-openai';
import { expectEventStream, framesOf } from '../../support/assertions';
import { newId } from '../../support/service-setup';
import { json, esErrorFrame, completionDeltas, chatMessages, streamingService } from './streaming-helpers';

const openai = streamingService();
const { post, createEndpoint } = openai;
let mock: MockOpenAi;
beforeAll(() => ({ mock } = openai));

describe('errors during the stream: 200, message events, then an error event and no [DONE]', () => {
  test('an in-stream provider error on the completion stream', async () => {
    const id = newId('cmp-stream-err');
    await createEndpoint('completion', id);
    mock.enqueueFault('chat', { kind: 'streamError', chunks: 2, message: 'The upstream model crashed' });
    const response = await post(`/_inference/completion/${id}/_stream`, { input: 'one two three four five' });
    expectEventStream(response, 200);
    expect(response.text).not.toContain('[DONE]');
    const frames = framesOf(response.text);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(frames.slice(0, -1).every((frame) => frame.event === 'message')).toBe(true);
    expect(completionDeltas(frames)).toBe('Echo: one');
    const last = frames.at(-1)!;
    expect(last.event).toBe('error');
    const data = json(last) as { error: { type: string; reason: string; root_cause: unknown[] }; status: number };
    expect(data.status).toBeGreaterThanOrEqual(400);
    expect(data.error.reason).toContain('The upstream model crashed');
    expect(data.error.reason).toContain(`[${id}]`);
  });

  test('an in-stream provider error on the chat stream: unified error frame', async () => {
    const id = newId('chat-stream-err');
    await createEndpoint('chat_completion', id);
    mock.enqueueFault('chat', { kind: 'streamError', chunks: 1, message: 'The upstream model crashed' });
    const response = await post(`/_inference/chat_completion/${id}/_stream`, chatMessages('one two three'));
    expectEventStream(response, 200);
    expect(response.text).not.toContain('[DONE]');
    const frames = framesOf(response.text);
    expect(frames.slice(0, -1).length).toBeGreaterThanOrEqual(1);
    expect(frames.slice(0, -1).every((frame) => frame.event === 'message')).toBe(true);
    expect(json(frames[0]).object).toBe('chat.completion.chunk');
    const last = frames.at(-1)!;
    expect(last.event).toBe('error');
    const { error } = json(last) as { error: { code: string; message: string; type: string } };
    expect(error.message).toContain('The upstream model crashed');
    expect(error.type).toBe('server_error');
    // OpenAI sent no code (null): Elasticsearch's mid-stream error then has none either.
    expect(error.code).toBeUndefined();
  });

  test('a dropped connection mid-stream ends with an error event naming the endpoint', async () => {
    const id = newId('cmp-stream-drop');
    await createEndpoint('completion', id);
    // Spaced frames, so that the first ones reach the server before the connection is cut.
    mock.config.chunkDelayMs = 30;
    mock.enqueueFault('chat', { kind: 'streamThenDrop', chunks: 3 });
    const response = await post(`/_inference/completion/${id}/_stream`, { input: 'one two three four five' });
    expectEventStream(response, 200);
    expect(response.text).not.toContain('[DONE]');
    const frames = framesOf(response.text);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(frames.slice(0, -1).every((frame) => frame.event === 'message')).toBe(true);
    expect(completionDeltas(frames).startsWith('Echo:')).toBe(true);
    expect(frames.at(-1)!.event).toBe('error');
    const data = json(frames.at(-1)!) as { error: { type: string; reason: string }; status: number };
    expect(data.status).toBeGreaterThanOrEqual(400);
    expect(data.status).toBeLessThan(500);
    expect(data.error.type).toBe('status_exception');
    expect(data.error.reason).toContain(`[${id}]`);
  });

  test('a dropped connection mid-stream on the chat route ends with a unified error event', async () => {
    const id = newId('chat-stream-drop');
    await createEndpoint('chat_completion', id);
    mock.config.chunkDelayMs = 30;
    mock.enqueueFault('chat', { kind: 'streamThenDrop', chunks: 2 });
    const response = await post(`/_inference/chat_completion/${id}/_stream`, chatMessages('one two three'));
    expectEventStream(response, 200);
    expect(response.text).not.toContain('[DONE]');
    const frames = framesOf(response.text);
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(json(frames[0]).object).toBe('chat.completion.chunk');
    const last = frames.at(-1)!;
    expect(last.event).toBe('error');
    expect(Object.keys(json(last))).toEqual(['error']);
    const { error } = json(last) as { error: { code: string; message: string; type: string } };
    expect(error.code).toBe('bad_request');
    expect(error.message).toContain(`[${id}]`);
    expect(error.type).toBe('status_exception');
  });

  test('a connection dropped before any content: a 4xx error frame, not a 500', async () => {
    const id = newId('cmp-stream-drop-early');
    await createEndpoint('completion', id);
    // Only the role chunk (no text) is sent before the drop: nothing for the client yet.
    mock.enqueueFault('chat', { kind: 'streamThenDrop', chunks: 0 });
    const response = await post(`/_inference/completion/${id}/_stream`, { input: 'x' });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expectEventStream(response, response.status);
    const frames = framesOf(response.text);
    expect(frames).toHaveLength(1);
    expect(frames[0].event).toBe('error');
    const data = json(frames[0]) as { error: { reason: string }; status: number };
    expect(data.status).toBe(response.status);
    expect(data.error.reason).toContain(`inference entity id [${id}]`);
  });

  test('an in-stream provider error before any content: the error status and one error frame', async () => {
    const id = newId('cmp-stream-err-early');
    await createEndpoint('completion', id);
    mock.enqueueFault('chat', { kind: 'streamError', chunks: 0, message: 'gone' });
    const response = await post(`/_inference/completion/${id}/_stream`, { input: 'x' });
    // Elasticsearch's streaming processors report an error the provider streams as a 500.
    expectEventStream(response, 500);
    const frames = framesOf(response.text);
    expect(frames).toHaveLength(1);
    expect(frames[0].event).toBe('error');
    const data = json(frames[0]) as { error: { reason: string }; status: number };
    expect(data.status).toBe(500);
    expect(data.error.reason).toBe(`Received an error response for request from inference entity id [${id}]. Error message: [gone]`);
  });

  test('a provider that goes silent: error event 408 "Request timed out after [300ms]" and the upstream is aborted', async () => {
    const id = newId('cmp-stream-silent');
    await createEndpoint('completion', id);
    mock.enqueueFault('chat', { kind: 'streamThenSilence', chunks: 2 });
    const response = await post(`/_inference/completion/${id}/_stream?timeout=300ms`, { input: 'one two three four five' });
    expectEventStream(response, 200);
    expect(response.text).not.toContain('[DONE]');
    const frames = framesOf(response.text);
    expect(completionDeltas(frames)).toBe('Echo: one');
    expect(frames.at(-1)).toEqual({
      event: 'error',
      data: JSON.stringify({
        error: {
          root_cause: [{ type: 'status_exception', reason: 'Request timed out after [300ms]' }],
          type: 'status_exception',
          reason: 'Request timed out after [300ms]',
        },
        status: 408,
      }),
    });
    await mock.waitForAbortedRequests(1);
  }, 10_000);

  test('a silent chat stream: unified 408 error event', async () => {
    const id = newId('chat-stream-silent');
    await createEndpoint('chat_completion', id);
    mock.enqueueFault('chat', { kind: 'streamThenSilence', chunks: 1 });
    const response = await post(`/_inference/chat_completion/${id}/_stream?timeout=300ms`, chatMessages('one two three'));
    expectEventStream(response, 200);
    const frames = framesOf(response.text);
    expect(frames.at(-1)).toEqual({
      event: 'error',
      data: JSON.stringify({ error: { code: 'request_timeout', message: 'Request timed out after [300ms]', type: 'status_exception' } }),
    });
    await mock.waitForAbortedRequests(1);
  }, 10_000);

  test('a provider that never starts the stream: 408 before the first event', async () => {
    const id = newId('cmp-stream-hang');
    await createEndpoint('completion', id);
    mock.enqueueFault('chat', { kind: 'hang' });
    const response = await post(`/_inference/completion/${id}/_stream?timeout=300ms`, { input: 'x' });
    expectEventStream(response, 408);
    expect(response.text).toBe(esErrorFrame(408, 'status_exception', 'Request timed out after [300ms]'));
    await mock.waitForAbortedRequests(1);
  }, 10_000);
});
