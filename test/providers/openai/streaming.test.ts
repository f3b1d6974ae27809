/**
 * The streaming routes against a real mock OpenAI server (reference §2.5, §2.6, §4): exact SSE bytes (a BOM before
 * every event), bare OpenAI chunks on the unified chat route, errors before the first byte (HTTP status + one error
 * frame) and during the stream (error frame, no [DONE]), timeouts between events, and cancelling the upstream request
 * when the client goes away.
 */
import {
  DEFAULT_API_KEY,
  startMockOpenAi,
  type JsonObject,
  type MockOpenAi,
} from './mock-openai';
import { BOM, DONE_FRAME, expectEventStream, framesOf, postRaw, type Frame } from '../../support/assertions';
import type { TestServer } from '../../support/server';
import { bodyOf, newId, withMockedService } from '../../support/service-setup';

// These tests point endpoints at URLs of their own (the mock's, or a scripted server): no origin override.
const openai = withMockedService('openai', () => startMockOpenAi(), { upstreamOrigins: {} });
let server: TestServer;
let mock: MockOpenAi;
beforeAll(() => ({ server, mock } = openai));
const post = (path: string, body: unknown) => postRaw(server, path, body);
const json = (frame: Frame) => JSON.parse(frame.data) as JsonObject;

const esErrorFrame = (status: number, type: string, reason: string) =>
  `${BOM}event: error\ndata: ${JSON.stringify({ error: { root_cause: [{ type, reason }], type, reason }, status })}\n\n`;

async function createEndpoint(taskType: 'completion' | 'chat_completion' | 'text_embedding', id: string, extra: Record<string, unknown> = {}) {
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
}

const COMPLETION_STREAM =
  /^(\uFEFFevent: message\ndata: \{"completion":\[\{"delta":"[^"]*"\}(,\{"delta":"[^"]*"\})*\]\}\n\n)+\uFEFFevent: message\ndata: \[DONE\]\n\n$/;

function completionDeltas(frames: Frame[]): string {
  return frames
    .filter((frame) => frame.data !== '[DONE]' && frame.event === 'message')
    .flatMap((frame) => (json(frame).completion as Array<{ delta: string }>).map((d) => d.delta))
    .join('');
}

const chatMessages = (text: string) => ({ messages: [{ role: 'user', content: text }] });

function chatContent(frames: Frame[]): string {
  return frames
    .filter((frame) => frame.event === 'message' && frame.data !== '[DONE]')
    .flatMap((frame) => (json(frame).choices as Array<{ delta: { content?: string } }>).map((c) => c.delta.content ?? ''))
    .join('');
}

// ---------------------------------------------------------------------------------------------------------------
describe('POST /_inference/completion/{id}/_stream', () => {
  test('exact bytes: a BOM before every event, completion deltas, then [DONE]', async () => {
    const id = newId('cmp-stream');
    await createEndpoint('completion', id);
    const response = await post(`/_inference/completion/${id}/_stream`, { input: 'hello streaming world' });
    expectEventStream(response, 200);
    expect(response.text).toMatch(COMPLETION_STREAM);
    const frames = framesOf(response.text);
    expect(frames.length).toBeGreaterThan(2); // several message events, not one lump
    expect(completionDeltas(frames)).toBe('Echo: hello streaming world');
    expect(frames.at(-1)).toEqual({ event: 'message', data: '[DONE]' });
    expect(response.text.split(BOM).length - 1).toBe(frames.length);

    const calls = mock.requestsTo('chat');
    expect(calls).toHaveLength(1);
    expect(bodyOf(calls[0])).toMatchObject({
      messages: [{ role: 'user', content: 'hello streaming world' }],
      model: 'gpt-4o-mini',
      n: 1,
      stream: true,
    });
  });

  test('/_inference/{id}/_stream streams a completion endpoint the same way (scripted reply)', async () => {
    const id = newId('cmp-stream-any');
    await createEndpoint('completion', id);
    mock.enqueueFault('chat', { kind: 'reply', text: 'Elastic is a search company' });
    const response = await post(`/_inference/${id}/_stream`, { input: 'What is Elastic?' });
    expectEventStream(response, 200);
    expect(response.text).toMatch(COMPLETION_STREAM);
    expect(completionDeltas(framesOf(response.text))).toBe('Elastic is a search company');
  });

  test('deltas with quotes, backslashes and newlines stay one line of JSON per event', async () => {
    const id = newId('cmp-stream-escape');
    await createEndpoint('completion', id);
    const reply = 'He said "hi"\nthen \\left\ttabbed ünïcødé';
    mock.enqueueFault('chat', { kind: 'reply', text: reply });
    const response = await post(`/_inference/completion/${id}/_stream`, { input: 'x' });
    expectEventStream(response, 200);
    const frames = framesOf(response.text); // throws if a data line were split
    expect(completionDeltas(frames)).toBe(reply);
    expect(frames.at(-1)!.data).toBe('[DONE]');
  });

  test('task_settings.user goes upstream on the stream too', async () => {
    const id = newId('cmp-stream-user');
    await createEndpoint('completion', id, { task_settings: { user: 'stored-user' } });
    const stored = await post(`/_inference/completion/${id}/_stream`, { input: 'a' });
    expect(stored.status).toBe(200);
    const overridden = await post(`/_inference/completion/${id}/_stream`, { input: 'b', task_settings: { user: 'request-user' } });
    expect(overridden.status).toBe(200);
    expect(mock.requestsTo('chat').map((call) => bodyOf(call).user)).toEqual(['stored-user', 'request-user']);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('POST /_inference/chat_completion/{id}/_stream', () => {
  test('events are bare OpenAI chunks in Elasticsearch key order, the last with usage, then [DONE]', async () => {
    const id = newId('chat-stream');
    await createEndpoint('chat_completion', id);
    const response = await post(`/_inference/chat_completion/${id}/_stream`, chatMessages('tell me a story'));
    expectEventStream(response, 200);
    const frames = framesOf(response.text);
    expect(frames.every((frame) => frame.event === 'message')).toBe(true);
    expect(frames.at(-1)!.data).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map(json);
    expect(chunks.length).toBeGreaterThan(2);

    for (const chunk of chunks) {
      expect(chunk).not.toHaveProperty('chat_completion');
      expect(chunk.object).toBe('chat.completion.chunk');
      expect(chunk.model).toBe('gpt-4o-mini');
      expect(typeof chunk.id).toBe('string');
      const keys = Object.keys(chunk);
      expect(keys.slice(0, 4)).toEqual(['id', 'choices', 'model', 'object']);
      expect(keys.length === 4 || (keys.length === 5 && keys[4] === 'usage')).toBe(true);
      for (const choice of chunk.choices as JsonObject[]) {
        const choiceKeys = Object.keys(choice);
        expect(choiceKeys).toEqual(['delta', 'finish_reason', 'index'].filter((k) => k in choice));
        expect(choiceKeys).toContain('delta');
        expect(choiceKeys).toContain('index');
        const deltaKeys = Object.keys(choice.delta as JsonObject);
        expect(deltaKeys).toEqual(['content', 'refusal', 'role', 'tool_calls'].filter((k) => deltaKeys.includes(k)));
        // Nulls are left out, never written.
        expect(JSON.stringify(choice)).not.toContain('null');
      }
    }
    expect(frames.slice(0, -1).every((frame) => !frame.data.includes('null'))).toBe(true);

    // Only the last chunk has usage; it has it.
    const last = chunks.at(-1)!;
    expect(last.usage).toEqual({
      completion_tokens: expect.any(Number),
      prompt_tokens: expect.any(Number),
      total_tokens: expect.any(Number),
    });
    expect(Object.keys(last.usage as JsonObject)).toEqual(['completion_tokens', 'prompt_tokens', 'total_tokens']);
    for (const chunk of chunks.slice(0, -1)) expect(chunk).not.toHaveProperty('usage');

    expect(chatContent(frames)).toBe('Echo: tell me a story');
    expect(chunks.some((chunk) => (chunk.choices as JsonObject[]).some((c) => c.finish_reason === 'stop'))).toBe(true);
    expect((chunks[0].choices as Array<{ delta: JsonObject }>)[0].delta.role).toBe('assistant');

    const calls = mock.requestsTo('chat');
    expect(calls).toHaveLength(1);
    const upstream = bodyOf(calls[0]);
    expect(upstream).toMatchObject({
      messages: [{ role: 'user', content: 'tell me a story' }],
      model: 'gpt-4o-mini',
      n: 1,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(calls[0].headers.authorization).toBe(`Bearer ${DEFAULT_API_KEY}`);
  });

  test('`model` in the body overrides model_id upstream; unified fields are passed through', async () => {
    const id = newId('chat-stream-model');
    await createEndpoint('chat_completion', id, { task_settings: { user: 'chat-user' } });
    const response = await post(`/_inference/chat_completion/${id}/_stream`, {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'one two three four' },
      ],
      max_completion_tokens: 2,
      temperature: 0.5,
    });
    expectEventStream(response, 200);
    const frames = framesOf(response.text);
    const chunks = frames.slice(0, -1).map(json);
    for (const chunk of chunks) expect(chunk.model).toBe('gpt-4o');
    // The mock stops after max_completion_tokens pieces.
    expect(chatContent(frames)).toBe('Echo: one');
    const upstream = bodyOf(mock.requestsTo('chat')[0]);
    expect(upstream).toMatchObject({
      model: 'gpt-4o',
      max_completion_tokens: 2,
      temperature: 0.5,
      n: 1,
      stream: true,
      stream_options: { include_usage: true },
      user: 'chat-user',
    });
    expect(upstream.messages).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'one two three four' },
    ]);
  });

  test('a tool call streams as delta.tool_calls', async () => {
    const id = newId('chat-stream-tool');
    await createEndpoint('chat_completion', id);
    mock.enqueueFault('chat', { kind: 'toolCall', arguments: '{"city":"Berlin"}' });
    const response = await post(`/_inference/chat_completion/${id}/_stream`, {
      ...chatMessages('weather?'),
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    });
    expectEventStream(response, 200);
    const chunks = framesOf(response.text).slice(0, -1).map(json);
    const calls = chunks.flatMap((chunk) =>
      (chunk.choices as Array<{ delta: { tool_calls?: Array<{ function?: { name?: string; arguments?: string } }> } }>).flatMap(
        (c) => c.delta.tool_calls ?? [],
      ),
    );
    expect(calls.find((call) => call.function?.name)?.function?.name).toBe('get_weather');
    expect(calls.map((call) => call.function?.arguments ?? '').join('')).toBe('{"city":"Berlin"}');
    expect(chunks.some((chunk) => (chunk.choices as JsonObject[]).some((c) => c.finish_reason === 'tool_calls'))).toBe(true);
  });

  test('POST /_inference/{id}/_stream on a chat_completion endpoint takes the chat body and streams bare chunks', async () => {
    const id = newId('chat-stream-any');
    await createEndpoint('chat_completion', id);
    const response = await post(`/_inference/${id}/_stream`, chatMessages('via the generic route'));
    expectEventStream(response, 200);
    const frames = framesOf(response.text);
    expect(frames.at(-1)!.data).toBe('[DONE]');
    expect(json(frames[0]).object).toBe('chat.completion.chunk');
    expect(chatContent(frames)).toBe('Echo: via the generic route');
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('POST /_inference/chat_completion/{id} (not streamed)', () => {
  test('returns one chat.completion object', async () => {
    const id = newId('chat-once');
    await createEndpoint('chat_completion', id);
    const response = await server.call('POST', `/_inference/chat_completion/${id}`, chatMessages('hi there'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.json).toEqual({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Echo: hi there' }, finish_reason: 'stop' }],
      usage: { completion_tokens: expect.any(Number), prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) },
    });
    const upstream = bodyOf(mock.requestsTo('chat')[0]);
    expect(upstream).toMatchObject({ model: 'gpt-4o-mini', n: 1, stream: false });
    expect(upstream).not.toHaveProperty('stream_options');
  });

  test('a tool call keeps `content: null` beside the tool calls', async () => {
    const id = newId('chat-once-tool');
    await createEndpoint('chat_completion', id);
    mock.enqueueFault('chat', { kind: 'toolCall', name: 'get_weather', arguments: '{"city":"Paris"}' });
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const response = await server.call('POST', `/_inference/chat_completion/${id}`, { ...chatMessages('weather?'), tools });
    const { message, finish_reason: finishReason } = response.json.choices[0];
    expect(finishReason).toBe('tool_calls');
    expect(message).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------------------------
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
