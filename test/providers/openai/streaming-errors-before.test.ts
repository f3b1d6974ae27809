/**
 * Streaming errors before the first event (reference §4): the error status and one error frame (Elasticsearch's on
 * the completion stream, unified on the chat stream), or a JSON error for a body refused before streaming.
 */
import { DEFAULT_API_KEY, type MockOpenAi } from './mock-openai';
import { BOM, expectEventStream, framesOf } from '../../support/assertions';
import { newId } from '../../support/service-setup';
import { json, esErrorFrame, chatMessages, streamingService } from './streaming-helpers';

const openai = streamingService();
const { post, createEndpoint } = openai;
let mock: MockOpenAi;
beforeAll(() => ({ mock } = openai));

describe('errors before the first event: the error status and one error frame', () => {
  test('unknown id on the completion stream: 404 and an Elasticsearch error frame, no [DONE]', async () => {
    const response = await post('/_inference/completion/no-such-endpoint/_stream', { input: 'x' });
    expectEventStream(response, 404);
    expect(response.text).toBe(
      esErrorFrame(404, 'resource_not_found_exception', 'Inference endpoint not found [no-such-endpoint]'),
    );
  });

  test('unknown id on the chat stream: 404 and a unified error frame', async () => {
    const response = await post('/_inference/chat_completion/no-such-chat/_stream', chatMessages('x'));
    expectEventStream(response, 404);
    expect(response.text).toBe(
      `${BOM}event: error\ndata: {"error":{"code":"not_found","message":"Inference endpoint not found [no-such-chat]","type":"resource_not_found_exception"}}\n\n`,
    );
  });

  test('a provider 401 before streaming: status 401 and one error frame on the completion stream', async () => {
    const id = newId('cmp-stream-401');
    await createEndpoint('completion', id);
    mock.enqueueFault('chat', { kind: 'status', status: 401 });
    const response = await post(`/_inference/completion/${id}/_stream`, { input: 'x' });
    expectEventStream(response, 401);
    const frames = framesOf(response.text);
    expect(frames).toHaveLength(1);
    expect(frames[0].event).toBe('error');
    const data = json(frames[0]) as { error: { type: string; reason: string; root_cause: unknown[] }; status: number };
    expect(data.status).toBe(401);
    expect(data.error.type).toBe('status_exception');
    expect(data.error.reason.startsWith(`Received an authentication error status code for request from inference entity id [${id}] status [401]`)).toBe(true);
    expect(response.text).not.toContain('[DONE]');
    expect(response.text).not.toContain(DEFAULT_API_KEY.slice(0, 8));
    expect(mock.requestsTo('chat')).toHaveLength(1); // not retried
  });

  test('a provider 401 before streaming: status 401 and one unified error frame on the chat stream', async () => {
    const id = newId('chat-stream-401');
    await createEndpoint('chat_completion', id);
    mock.enqueueFault('chat', { kind: 'status', status: 401 });
    const response = await post(`/_inference/chat_completion/${id}/_stream`, chatMessages('x'));
    expectEventStream(response, 401);
    const frames = framesOf(response.text);
    expect(frames).toHaveLength(1);
    expect(frames[0].event).toBe('error');
    const { error } = json(frames[0]) as { error: { code: string; message: string; type: string } };
    expect(Object.keys(json(frames[0]))).toEqual(['error']);
    // §1.3: the provider's own code when it gave one, else the status name.
    expect(['invalid_api_key', 'unauthorized']).toContain(error.code);
    expect(error.message.startsWith(`Received an authentication error status code for request from inference entity id [${id}] status [401]`)).toBe(true);
    expect(typeof error.type).toBe('string');
    expect(response.text).not.toContain(DEFAULT_API_KEY.slice(0, 8));
  });

  test('a provider 500 that persists past the retry window before streaming: status 400 and one error frame', async () => {
    const id = newId('cmp-stream-500');
    await createEndpoint('completion', id);
    for (let i = 0; i < 1000; i++) mock.enqueueFault('chat', { kind: 'status', status: 500 });
    const response = await post(`/_inference/completion/${id}/_stream`, { input: 'x' });
    expectEventStream(response, 400);
    const frames = framesOf(response.text);
    expect(frames).toHaveLength(1);
    expect(frames[0].event).toBe('error');
    const data = json(frames[0]) as { error: { reason: string }; status: number };
    expect(data.status).toBe(400);
    expect(data.error.reason.startsWith(`Received a server error status code for request from inference entity id [${id}] status [500]`)).toBe(true);
    expect(mock.requestsTo('chat').length).toBeGreaterThan(1); // retried
    expect(mock.pendingFaults('chat')).toBeGreaterThan(0); // but not forever
  });

  test('streaming a text_embedding endpoint: 405 error frame naming the streamable tasks', async () => {
    const id = newId('emb-stream');
    await createEndpoint('text_embedding', id);
    const response = await post(`/_inference/${id}/_stream`, { input: 'x' });
    expectEventStream(response, 405);
    expect(response.text).toBe(
      esErrorFrame(
        405,
        'status_exception',
        'Streaming is not allowed for service [openai] and task [text_embedding]. Supported tasks: [completion,chat_completion]',
      ),
    );
    expect(mock.requestsTo('embeddings')).toHaveLength(0);
  });

  test('the chat route on a completion endpoint: 400 unified error with the generic task-type message', async () => {
    const id = newId('cmp-on-chat-route');
    await createEndpoint('completion', id);
    const response = await post(`/_inference/chat_completion/${id}/_stream`, chatMessages('x'));
    expect(response.status).toBe(400);
    expect(response.headers.get('x-elastic-product')).toBe('Elasticsearch');
    const expected = {
      error: {
        code: 'bad_request',
        message: 'Incompatible task_type, the requested type [chat_completion] does not match the model type [completion]',
        type: 'status_exception',
      },
    };
    // Delivered as the one error frame of a failed stream.
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.text).toBe(`${BOM}event: error\ndata: ${JSON.stringify(expected)}\n\n`);
    expect(mock.requestsTo('chat')).toHaveLength(0);
  });

  test('a chat body without messages: a JSON (not SSE) unified 400', async () => {
    const id = newId('chat-bad-body');
    await createEndpoint('chat_completion', id);
    const response = await post(`/_inference/chat_completion/${id}/_stream`, { model: 'gpt-4o' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.text.startsWith(BOM)).toBe(false);
    const body = JSON.parse(response.text);
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toMatch(/messages/);
    expect(typeof body.error.type).toBe('string');
    expect(mock.requestsTo('chat')).toHaveLength(0);
  });

  test('malformed JSON on the completion stream: a JSON (not SSE) 400', async () => {
    const id = newId('cmp-bad-json');
    await createEndpoint('completion', id);
    const response = await post(`/_inference/completion/${id}/_stream`, '{"input": ');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = JSON.parse(response.text);
    expect(body.status).toBe(400);
    expect(body.error.root_cause).toBeDefined();
    expect(mock.requestsTo('chat')).toHaveLength(0);
  });
});
