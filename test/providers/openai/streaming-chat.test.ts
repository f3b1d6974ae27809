/**
 * The unified chat route against a real mock OpenAI server (reference §2.6, §4): bare OpenAI chunks when streamed,
 * one chat.completion object when not.
 */
import { DEFAULT_API_KEY, type JsonObject, type MockOpenAi } from './mock-openai';
import { expectEventStream, framesOf } from '../../support/assertions';
import type { TestServer } from '../../support/server';
import { bodyOf, newId } from '../../support/service-setup';
import { json, chatMessages, chatContent, streamingService } from './streaming-helpers';

const openai = streamingService();
const { post, createEndpoint } = openai;
let server: TestServer;
let mock: MockOpenAi;
beforeAll(() => ({ server, mock } = openai));

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
