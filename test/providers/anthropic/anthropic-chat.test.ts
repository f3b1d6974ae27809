/** The unified chat route on Anthropic (reference §2.6, §8.4): the OpenAI-shaped request written as Elasticsearch's
 * AnthropicUnifiedChatCompletionRequestEntity writes it (tool calls and results as Anthropic's blocks), Anthropic's
 * events read as OpenAI chunks (AnthropicChatCompletionStreamingProcessor), and its errors in the unified envelope. */
import { expectEventStream, framesOf, postRaw } from '../../support/assertions';
import { createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { errorBody } from './anthropic-bodies';
import { ANTHROPIC_API_KEY, startMockAnthropic } from './mock-anthropic';

const service = withMockedService('anthropic', startMockAnthropic, { rateLimitIntervalMs: 1000 });
const MODEL = 'claude-sonnet-4-5';
let id: string;
beforeAll(async () => {
  id = newId('an-chat');
  await createEndpoint(service, 'chat_completion', id, {
    service: 'anthropic',
    service_settings: { api_key: ANTHROPIC_API_KEY, model_id: MODEL },
    task_settings: { max_tokens: 512, temperature: 0.3, top_k: 1 },
  });
});
const chat = (body: Record<string, unknown>, endpointId = id) => postRaw(service.server, `/_inference/chat_completion/${endpointId}/_stream`, body);
const chunks = (text: string) => framesOf(text).map((frame) => (frame.data === '[DONE]' ? frame.data : JSON.parse(frame.data)));

const WEATHER_TOOL = {
  type: 'function',
  function: { name: 'get_weather', description: 'The weather of a city', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'], additionalProperties: false }, strict: true },
};

test('PUT: the validation call is a one-token chat, streamed', async () => {
  const other = newId('an-chat-put');
  const put = await service.server.call('PUT', `/_inference/chat_completion/${other}`, {
    service: 'anthropic',
    service_settings: { api_key: ANTHROPIC_API_KEY, model_id: MODEL },
    task_settings: { max_tokens: 512 },
  });
  expect(put.json).toMatchObject({ task_type: 'chat_completion', task_settings: { max_tokens: 512 } });
  expect(onlyRequest(service.mock, 'messages').rawBody).toBe(`{"model":"${MODEL}","messages":[{"content":"how big","role":"user"}],"stream":true,"max_tokens":1}`);
});

test("the body in Elasticsearch's order: system blocks, stop_sequences, the request's sampling over the stored, top_k (stored as top_p), tools", async () => {
  await chat({
    model: 'claude-haiku-4-5',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Weather in Paris?' },
    ],
    max_completion_tokens: 64,
    stop: ['END'],
    top_p: 0.8,
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
    tools: [WEATHER_TOOL, { type: 'function', function: { name: 'now' } }],
  });
  expect(onlyRequest(service.mock, 'messages').rawBody).toBe(
    JSON.stringify({
      model: 'claude-haiku-4-5',
      system: [{ type: 'text', text: 'You are terse.' }],
      messages: [{ content: 'Weather in Paris?', role: 'user' }],
      stop_sequences: ['END'],
      temperature: 0.3,
      top_p: 0.8,
      tool_choice: { type: 'tool', name: 'get_weather' },
      tools: [
        { name: 'get_weather', description: 'The weather of a city', input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'], additionalProperties: false } },
        { name: 'now', description: null, input_schema: { type: 'object', properties: {} } },
      ],
      stream: true,
      max_tokens: 64,
    }),
  );
});

test.each([
  ['auto', { type: 'auto' }],
  ['none', { type: 'none' }],
  ['required', { type: 'any' }],
])('tool_choice %s is Anthropic\'s %j', async (choice, expected) => {
  await chat({ messages: [{ role: 'user', content: 'hi' }], tool_choice: choice, tools: [WEATHER_TOOL] });
  expect((onlyRequest(service.mock, 'messages').body as Record<string, unknown>).tool_choice).toEqual(expected);
});

test('text and a tool call, streamed as OpenAI chunks; finish reason and usage in OpenAI words', async () => {
  service.mock.enqueueFault('messages', { kind: 'toolCall', arguments: '{"location":"Paris, France"}' });
  const response = await chat({ messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [WEATHER_TOOL] });
  expectEventStream(response, 200);
  const received = chunks(response.text);
  const [start] = received;
  const base = { id: start.id, model: MODEL, object: 'chat.completion.chunk' };
  expect(start.id).toMatch(/^msg_/);
  const choice = (delta: object, extra: object = {}) => ({ ...base, choices: [{ delta, ...extra, index: 0 }] });
  expect(received).toEqual([
    choice({ role: 'assistant' }),
    choice({ content: '' }),
    choice({ content: 'Let ' }),
    choice({ content: 'me ' }),
    choice({ content: 'check.' }),
    choice({ tool_calls: [{ index: 0, id: expect.stringMatching(/^toolu_/), function: { arguments: '', name: 'get_weather' }, type: 'function' }] }),
    choice({ tool_calls: [{ index: 0, function: { arguments: '{"locati' } }] }),
    choice({ tool_calls: [{ index: 0, function: { arguments: 'on":"Par' } }] }),
    choice({ tool_calls: [{ index: 0, function: { arguments: 'is, Fran' } }] }),
    choice({ tool_calls: [{ index: 0, function: { arguments: 'ce"}' } }] }),
    choice({}, { finish_reason: 'tool_calls' }),
    { ...base, choices: [], usage: { completion_tokens: 13, prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) } },
    '[DONE]',
  ]);
  const usage = received.at(-2).usage;
  expect(usage.total_tokens).toBe(usage.prompt_tokens + 13);
  // Elasticsearch's key order in every chunk: id, choices, model, object, usage.
  expect(framesOf(response.text)[1].data).toBe(`{"id":"${start.id}","choices":[{"delta":{"content":""},"index":0}],"model":"${MODEL}","object":"chat.completion.chunk"}`);
});

test("tool calls and tool results go back as Anthropic's tool_use and tool_result blocks", async () => {
  const messages = [
    { role: 'user', content: 'Weather in Paris and Rome?' },
    {
      role: 'assistant',
      content: 'Checking.',
      tool_calls: [
        { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } },
        { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Rome"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'toolu_1', content: 'Sunny' },
    { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: 'Rainy' }] },
  ];
  const response = await chat({ messages, tools: [WEATHER_TOOL] });
  expect(response.status).toBe(200);
  expect((onlyRequest(service.mock, 'messages').body as Record<string, unknown>).messages).toEqual([
    { content: 'Weather in Paris and Rome?', role: 'user' },
    {
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Paris' } },
        { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { location: 'Rome' } },
      ],
      role: 'assistant',
    },
    {
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: 'Sunny' },
        { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'Rainy' }] },
      ],
      role: 'user',
    },
  ]);
  expect(chunks(response.text).map((chunk) => chunk.choices?.[0]?.delta?.content).join('')).toBe('Echo: the tool result');
});

test('tool call arguments that are not a JSON object: a 400 before any call', async () => {
  const response = await chat({
    messages: [
      { role: 'user', content: 'hi' },
      { role: 'assistant', tool_calls: [{ id: 'toolu_9', type: 'function', function: { name: 'f', arguments: 'not json' } }] },
      { role: 'tool', tool_call_id: 'toolu_9', content: 'x' },
    ],
  });
  expect(response.status).toBe(400);
  expect(JSON.parse(framesOf(response.text)[0].data)).toEqual({
    error: { code: 'bad_request', message: 'The [arguments] of tool call [toolu_9] must be a JSON object for the Anthropic chat completion API.', type: 'status_exception' },
  });
  expect(service.mock.requests).toHaveLength(0);
});

test("an error event mid-stream: the unified envelope quoting Anthropic's event, typed anthropic_error, no [DONE]", async () => {
  service.mock.enqueueFault('messages', { kind: 'streamError', chunks: 1, message: 'Overloaded' });
  const response = await chat({ messages: [{ role: 'user', content: 'What is Elastic?' }] });
  const frames = framesOf(response.text);
  expect(frames.at(-1)!.event).toBe('error');
  expect(frames.filter((frame) => frame.event === 'message').length).toBeGreaterThan(0);
  expect(JSON.parse(frames.at(-1)!.data)).toEqual({
    error: {
      message: `Received an error response for request from inference entity id [${id}]. Error message: [{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}]`,
      type: 'anthropic_error',
    },
  });
});

test('errors before the stream: the status, the whole body as the message, typed anthropic_error', async () => {
  service.mock.enqueueFault('messages', { kind: 'status', status: 404, body: errorBody('not_found_error', 'model: claude-nope') });
  const response = await chat({ model: 'claude-nope', messages: [{ role: 'user', content: 'hi' }] });
  expectEventStream(response, 404);
  const error = JSON.parse(framesOf(response.text)[0].data).error;
  expect(error.type).toBe('anthropic_error');
  expect(error.message).toMatch(new RegExp(`^Received an unsuccessful status code for request from inference entity id \\[${id}\\] status \\[404\\]\\. Error message: \\[\\{"type":"error","error":\\{"type":"not_found_error","message":"model: claude-nope"\\}`));
});

test('a 529 is retried on the chat route too', async () => {
  service.mock.enqueueFault('messages', { kind: 'status', status: 529 });
  expect((await chat({ messages: [{ role: 'user', content: 'hi' }] })).status).toBe(200);
  expect(service.mock.requestsTo('messages')).toHaveLength(2);
});

test('without _stream: one chat.completion object, tool calls included', async () => {
  service.mock.enqueueFault('messages', { kind: 'toolCall', arguments: '{"location":"Oslo"}' });
  const response = await service.server.call('POST', `/_inference/chat_completion/${id}`, { messages: [{ role: 'user', content: 'Weather in Oslo?' }], tools: [WEATHER_TOOL] });
  expect(response.status).toBe(200);
  expect(response.json).toEqual({
    id: expect.stringMatching(/^msg_/),
    object: 'chat.completion',
    model: MODEL,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Let me check.', tool_calls: [{ id: expect.stringMatching(/^toolu_/), type: 'function', function: { name: 'get_weather', arguments: '{"location":"Oslo"}' } }] },
        finish_reason: 'tool_calls',
      },
    ],
    usage: { completion_tokens: 13, prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) },
  });
  expect((onlyRequest(service.mock, 'messages').body as Record<string, unknown>).stream).toBe(false);
});

test('an event Elasticsearch cannot read (no model in message_start) ends the stream quoting it', async () => {
  const data = { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], usage: { input_tokens: 1, output_tokens: 1 } } };
  const body = `event: message_start\ndata: ${JSON.stringify(data)}\n\n`;
  service.mock.enqueueFault('messages', { kind: 'status', status: 200, body, headers: { 'content-type': 'text/event-stream' } });
  const response = await chat({ messages: [{ role: 'user', content: 'hi' }] });
  // Nothing was sent before it: the error's status is the answer's.
  expectEventStream(response, 500);
  expect(framesOf(response.text).map((frame) => frame.event)).toEqual(['error']);
  expect(JSON.parse(framesOf(response.text)[0].data)).toEqual({
    error: { message: `Received an error response for request from inference entity id [${id}]. Error message: [${JSON.stringify(data)}]`, type: 'anthropic_error' },
  });
});
