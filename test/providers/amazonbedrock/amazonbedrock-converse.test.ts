/** Bedrock's Converse and ConverseStream for `completion` and the unified `chat_completion` route: the bodies per
 * provider, the answers, the event-stream events as Elasticsearch's chunks, and Bedrock's exceptions. */
import { expectEventStream, framesOf, onlyErrorFrame, postRaw } from '../../support/assertions';
import { createEndpoint, newId, onlyRequest } from '../../support/service-setup';
import { CLAUDE, TITAN_TEXT, endpoint, post, service } from './bedrock-setup';

const CHAT_ROUTE = (id: string) => `/_inference/chat_completion/${id}/_stream`;
const dataOf = (text: string) => framesOf(text).map((frame) => frame.data);

describe('completion', () => {
  test('Converse bodies: inference config from the task settings, top_k only for the providers that take it', async () => {
    const claude = newId('br-claude');
    const settings = { max_new_tokens: 128, temperature: 0.4, top_p: 0.9, top_k: 0.5 };
    const created = await createEndpoint(service, 'completion', claude, endpoint({ provider: 'anthropic', model: CLAUDE }, { task_settings: settings }));
    expect(created.json.task_settings).toEqual(settings);
    const answer = await post('completion', claude, { input: 'What is Elastic?' });
    expect(answer.json).toEqual({ completion: [{ result: 'Echo: What is Elastic?' }] });
    const sent = onlyRequest(service.mock, 'converse');
    expect(sent.path).toBe('/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse');
    expect(sent.rawBody).toBe(
      '{"messages":[{"role":"user","content":[{"text":"What is Elastic?"}]}],"inferenceConfig":{"maxTokens":128,"temperature":0.4,"topP":0.9},"additionalModelRequestFields":{"top_k":0.5}}',
    );

    const meta = newId('br-meta');
    await createEndpoint(service, 'completion', meta, endpoint({ provider: 'meta', model: 'meta.llama3-8b-instruct-v1:0' }));
    await post('completion', meta, { input: 'hi', task_settings: { top_k: 0.3, temperature: 0.1 } });
    expect(onlyRequest(service.mock, 'converse').rawBody).toBe('{"messages":[{"role":"user","content":[{"text":"hi"}]}],"inferenceConfig":{"temperature":0.1}}');

    const titan = newId('br-titan-text');
    await createEndpoint(service, 'completion', titan, endpoint({ provider: 'amazontitan', model: TITAN_TEXT }));
    await post('completion', titan, { input: 'plain' });
    expect(onlyRequest(service.mock, 'converse').rawBody).toBe('{"messages":[{"role":"user","content":[{"text":"plain"}]}]}');
  });

  test('each input is a user message, as Elasticsearch sends them: Bedrock refuses turns that do not alternate', async () => {
    const id = newId('br-two');
    await createEndpoint(service, 'completion', id, endpoint({ provider: 'amazontitan', model: TITAN_TEXT }));
    const response = await post('completion', id, { input: ['one', 'two'] });
    expect(response.status).toBe(400);
    expect(response.json.error.reason).toBe(
      `Received a bad request status code for request from inference entity id [${id}] status [400]. Error message: [A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.]`,
    );
  });

  test.each([
    [429, 429, 'Received a rate limit status code', 'Too many requests, please wait before trying again.'],
    [403, 403, 'Received a permission denied error status code', "You don't have access to the model with the specified model ID."],
    [424, 424, 'Received an unsuccessful status code', 'The model returned an error. Try your request again.'],
    [503, 400, 'Received a server error status code', 'Bedrock is unable to process your request.'],
  ])('a Bedrock %i is answered as %i, quoting its message, once', async (providerStatus, status, prefix, message) => {
    const id = newId('br-error');
    await createEndpoint(service, 'completion', id, endpoint({ provider: 'amazontitan', model: TITAN_TEXT }));
    service.mock.enqueueFault('converse', { kind: 'status', status: providerStatus });
    const response = await post('completion', id, { input: 'x' });
    expectSimpleEsError(response, status, `${prefix} for request from inference entity id [${id}] status [${providerStatus}]. Error message: [${message}]`);
    expect(service.mock.requestsTo('converse')).toHaveLength(1);
  });

  test('a stream: one message event a text delta, then [DONE]; an exception mid-stream ends it with an error event', async () => {
    const id = newId('br-stream');
    await createEndpoint(service, 'completion', id, endpoint({ provider: 'anthropic', model: CLAUDE }));
    const response = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'tell me more' });
    expectEventStream(response, 200);
    expect(dataOf(response.text)).toEqual(['{"completion":[{"delta":"Echo: "}]}', '{"completion":[{"delta":"tell "}]}', '{"completion":[{"delta":"me "}]}', '{"completion":[{"delta":"more"}]}', '[DONE]']);
    expect(onlyRequest(service.mock, 'converse').headers.accept).toBe('application/vnd.amazon.eventstream');

    service.mock.reset();
    service.mock.enqueueFault('converse', { kind: 'streamError', chunks: 1, message: 'The model stopped: an internal error.' });
    const failed = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'tell me more' });
    const frames = framesOf(failed.text);
    expect(frames.map((frame) => frame.event)).toEqual(['message', 'error']);
    expect(JSON.parse(frames[1].data)).toMatchObject({
      error: { type: 'status_exception', reason: `Received an error response for request from inference entity id [${id}]. Error message: [The model stopped: an internal error.]` },
      status: 500,
    });
  });
});

describe('chat_completion', () => {
  const chat = async (body: Record<string, unknown>) => {
    const id = newId('br-chat');
    await createEndpoint(service, 'chat_completion', id, endpoint({ provider: 'anthropic', model: CLAUDE }, { task_settings: { max_new_tokens: 50 } }));
    return { id, response: await postRaw(service.server, CHAT_ROUTE(id), body) };
  };

  test('the unified request as a ConverseStream body: system, turns, tool calls and results, tools and choice', async () => {
    const { response } = await chat({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'Sunny' },
      ],
      temperature: 0.2,
      stop: ['END'],
      tools: [{ type: 'function', function: { name: 'weather', description: 'The weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      tool_choice: 'auto',
    });
    expectEventStream(response, 200);
    expect(JSON.parse(onlyRequest(service.mock, 'converse').rawBody)).toEqual({
      messages: [
        { role: 'user', content: [{ text: 'Weather in Paris?' }] },
        { role: 'assistant', content: [{ toolUse: { toolUseId: 'call_1', name: 'weather', input: { city: 'Paris' } } }] },
        { role: 'user', content: [{ toolResult: { toolUseId: 'call_1', content: [{ text: 'Sunny' }] } }] },
      ],
      system: [{ text: 'Be brief.' }],
      inferenceConfig: { maxTokens: 50, temperature: 0.2, stopSequences: ['END'] },
      toolConfig: {
        tools: [{ toolSpec: { name: 'weather', description: 'The weather', inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } } } }],
        toolChoice: { auto: {} },
      },
    });
  });

  test('the stream as OpenAI chunks: role, content, finish reason, usage, then [DONE]', async () => {
    const { response } = await chat({ messages: [{ role: 'user', content: 'what is elastic?' }] });
    const data = dataOf(response.text);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((text) => JSON.parse(text));
    const ids = new Set(chunks.map((chunk) => chunk.id));
    expect(ids.size).toBe(1);
    expect(chunks[0]).toEqual({ id: [...ids][0], choices: [{ delta: { role: 'assistant' }, index: 0 }], model: CLAUDE, object: 'chat.completion.chunk' });
    expect(chunks.flatMap((chunk) => chunk.choices.map((choice: { delta: { content?: string } }) => choice.delta.content ?? '')).join('')).toBe('Echo: what is elastic?');
    expect(chunks.at(-2).choices).toEqual([{ delta: {}, finish_reason: 'stop', index: 0 }]);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 4, prompt_tokens: 3, total_tokens: 7 } });
  });

  test('a tool call streams as tool_calls: its id and name, then its arguments; finish reason tool_calls', async () => {
    const id = newId('br-tools');
    await createEndpoint(service, 'chat_completion', id, endpoint({ provider: 'anthropic', model: CLAUDE }));
    service.mock.enqueueFault('converse', { kind: 'toolCall', name: 'weather', arguments: '{"city":"Paris"}' });
    const tools = [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }];
    const response = await postRaw(service.server, CHAT_ROUTE(id), { messages: [{ role: 'user', content: 'Weather?' }], tools });
    const chunks = dataOf(response.text).slice(0, -1).map((text) => JSON.parse(text));
    const calls = chunks.flatMap((chunk) => chunk.choices.flatMap((choice: { delta: { tool_calls?: unknown[] } }) => choice.delta.tool_calls ?? []));
    expect(calls[0]).toEqual({ index: 0, id: expect.stringMatching(/^tooluse_/), function: { arguments: '', name: 'weather' }, type: 'function' });
    expect(calls.slice(1).map((call: { function: { arguments: string } }) => call.function.arguments).join('')).toBe('{"city":"Paris"}');
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'tool_calls')).toBe(true);
  });

  test('Bedrock errors on the unified route: before the stream its status, mid-stream an error frame, named by the exception', async () => {
    const id = newId('br-chat-error');
    await createEndpoint(service, 'chat_completion', id, endpoint({ provider: 'anthropic', model: CLAUDE }));
    service.mock.enqueueFault('converse', { kind: 'status', status: 429 });
    const throttled = await postRaw(service.server, CHAT_ROUTE(id), { messages: [{ role: 'user', content: 'hi' }] });
    expectEventStream(throttled, 429);
    expect(onlyErrorFrame(throttled).error).toMatchObject({ code: 'too_many_requests', type: 'ThrottlingException' });

    service.mock.enqueueFault('converse', { kind: 'streamError', chunks: 1, message: 'Too many tokens, please wait.' });
    const broken = await postRaw(service.server, CHAT_ROUTE(id), { messages: [{ role: 'user', content: 'hi' }] });
    expect(onlyLast(broken.text)).toMatchObject({ error: { message: expect.stringContaining('Too many tokens, please wait.'), type: 'ModelStreamErrorException' } });
  });

  test.each([
    [{ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }] }, 'takes text content only'],
    [{ messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{not json' } }] }] }, 'are not a JSON document'],
  ])('hostile chat input is a 400 naming it, not a call: %j', async (body, reason) => {
    const { response } = await chat(body);
    expect(response.status).toBe(400);
    expect(onlyErrorFrame(response).error.message).toContain(reason);
    expect(service.mock.requestsTo('converse')).toHaveLength(0);
  });
});

function onlyLast(text: string): Record<string, unknown> {
  const frames = framesOf(text);
  expect(frames.at(-1)!.event).toBe('error');
  return JSON.parse(frames.at(-1)!.data);
}

function expectSimpleEsError(response: { status: number; json: { error: { type: string; reason: string } } }, status: number, reason: string) {
  expect(response.status).toBe(status);
  expect(response.json.error).toMatchObject({ type: 'status_exception', reason });
}

describe('chat_completion without a stream', () => {
  test('one chat.completion: the text, or the tool calls, with the stop reason and usage', async () => {
    const id = newId('br-whole');
    await createEndpoint(service, 'chat_completion', id, endpoint({ provider: 'anthropic', model: CLAUDE }));
    const answer = await service.server.call('POST', `/_inference/chat_completion/${id}`, { messages: [{ role: 'user', content: 'hello there' }] });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion',
      model: CLAUDE,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Echo: hello there' }, finish_reason: 'stop' }],
      usage: { completion_tokens: 3, prompt_tokens: 2, total_tokens: 5 },
    });
    expect(onlyRequest(service.mock, 'converse').path).toBe('/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse');

    service.mock.enqueueFault('converse', { kind: 'toolCall', name: 'weather', arguments: '{"city":"Oslo"}' });
    const tools = [{ type: 'function', function: { name: 'weather' } }];
    const called = await service.server.call('POST', `/_inference/chat_completion/${id}`, { messages: [{ role: 'user', content: 'Weather?' }], tools });
    expect(called.json.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: null, tool_calls: [{ id: expect.stringMatching(/^tooluse_/), type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] },
      finish_reason: 'tool_calls',
    });
  });

  test.each(['.', '..'])('a model id %s, which would read as a step up the path, is refused before any call', async (model) => {
    const response = await service.server.call('PUT', `/_inference/completion/${newId('br-dots')}`, endpoint({ provider: 'amazontitan', model }));
    expect(response.status).toBe(400);
    expect(response.json.error.reason).toContain(`[service_settings] Invalid value [${model}] received. [model] must be a model ID or an ARN`);
    expect(service.mock.requests).toHaveLength(0);
  });

  test('an ARN is one escaped segment of the path', async () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123';
    const id = newId('br-arn-call');
    await createEndpoint(service, 'completion', id, endpoint({ provider: 'meta', model: arn }));
    await post('completion', id, { input: 'hi' });
    expect(onlyRequest(service.mock, 'converse').path).toBe('/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aprovisioned-model%2Fabc123/converse');
  });
});
