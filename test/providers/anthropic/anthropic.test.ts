/** What is Anthropic's own (reference §8.4), as Elasticsearch's Anthropic classes send and read it: the Messages API's
 * headers and bodies byte for byte, task settings (the top_k-as-top_p quirk), answers, statuses and the completion
 * stream. The unified chat route is in anthropic-chat.test.ts. */
import { expectEventStream, expectSimpleEsError, framesOf, postRaw } from '../../support/assertions';
import { createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import type { JsonObject } from '../../support/mock-provider/mock-server';
import { errorBody } from './anthropic-bodies';
import { ANTHROPIC_API_KEY, startMockAnthropic } from './mock-anthropic';

// Rate limits count per second here, so that Anthropic's default of 50 does not hold the tests up.
const service = withMockedService('anthropic', startMockAnthropic, { rateLimitIntervalMs: 1000 });
const MODEL = 'claude-sonnet-4-5';
const endpoint = (taskSettings?: Record<string, unknown>, settings: Record<string, unknown> = {}) => ({
  service: 'anthropic',
  service_settings: { api_key: ANTHROPIC_API_KEY, model_id: MODEL, ...settings },
  ...(taskSettings ? { task_settings: taskSettings } : {}),
});
const complete = (id: string, body: Record<string, unknown>) => service.server.call('POST', `/_inference/completion/${id}`, body);

test('_services lists model_id, the key, max_tokens (beside them, as Elasticsearch lists it) and the rate limit of 50', async () => {
  const listed = await service.server.call('GET', '/_inference/_services/completion');
  const anthropic = listed.json.find((entry: { service: string }) => entry.service === 'anthropic');
  expect(anthropic).toMatchObject({ name: 'Anthropic', task_types: ['completion', 'chat_completion'] });
  expect(Object.keys(anthropic.configurations).sort()).toEqual(['api_key', 'max_tokens', 'model_id', 'rate_limit.requests_per_minute']);
  // Elasticsearch lists max_tokens as required, as the task settings schema requires it.
  expect(anthropic.configurations.max_tokens).toMatchObject({ type: 'int', required: true, supported_task_types: ['completion', 'chat_completion'] });
  expect(anthropic.configurations.api_key).toMatchObject({ required: true, sensitive: true });
  expect(anthropic.configurations['rate_limit.requests_per_minute'].default_value).toBe(50);
});

describe('PUT', () => {
  test("the validation call: Elasticsearch's URL, headers and body; what is stored", async () => {
    const id = newId('an-put');
    const put = await service.server.call('PUT', `/_inference/completion/${id}`, endpoint({ max_tokens: 1024 }));
    expect(put.json).toEqual({
      inference_id: id,
      task_type: 'completion',
      service: 'anthropic',
      service_settings: { model_id: MODEL, rate_limit: { requests_per_minute: 50 } },
      task_settings: { max_tokens: 1024 },
    });
    const validation = onlyRequest(service.mock, 'messages');
    expect(validation.path).toBe('/v1/messages');
    expect(validation.headers['x-api-key']).toBe(ANTHROPIC_API_KEY);
    expect(validation.headers['anthropic-version']).toBe('2023-06-01');
    expect(validation.headers['content-type']).toBe('application/json');
    expect(validation.headers.authorization).toBeUndefined();
    expect(validation.rawBody).toBe(`{"messages":[{"role":"user","content":"how big"}],"model":"${MODEL}","max_tokens":1024}`);
  });

  test.each([
    [undefined, 'Validation Failed: 1: [task_settings] does not contain the required setting [max_tokens];'],
    [{}, 'Validation Failed: 1: [task_settings] does not contain the required setting [max_tokens];'],
    [{ max_tokens: 0 }, 'Validation Failed: 1: [task_settings] Invalid value [0]. [max_tokens] must be a positive integer;'],
    [{ max_tokens: 'ten' }, 'Validation Failed: 1: field [max_tokens] is not of the expected type. The value [ten] cannot be converted to a [Integer];'],
    [{ max_tokens: 10, top_k: 1.5 }, 'Validation Failed: 1: field [top_k] is not of the expected type. The value [1.5] cannot be converted to a [Integer];'],
  ])('task settings %j are refused before any call', async (taskSettings, reason) => {
    const put = await service.server.call('PUT', `/_inference/completion/${newId('an-bad')}`, endpoint(taskSettings));
    expectSimpleEsError(put, 400, 'validation_exception', reason);
    expect(service.mock.requests).toHaveLength(0);
  });

  test('a missing api_key is a secret setting; unknown settings are named', async () => {
    const noKey = await service.server.call('PUT', `/_inference/completion/${newId('an-nokey')}`, {
      service: 'anthropic',
      service_settings: { model_id: MODEL },
      task_settings: { max_tokens: 5 },
    });
    expectSimpleEsError(noKey, 400, 'validation_exception', 'Validation Failed: 1: [secret_settings] does not contain the required setting [api_key];');
    const unknown = await service.server.call('PUT', `/_inference/completion/${newId('an-unknown')}`, endpoint({ max_tokens: 5, stop: 'x' }));
    expectSimpleEsError(unknown, 400, 'status_exception', 'Model configuration contains settings [{stop=x}] unknown to the [anthropic] service');
    const rerank = await service.server.call('PUT', `/_inference/rerank/${newId('an-rerank')}`, endpoint({ max_tokens: 5 }));
    expectSimpleEsError(rerank, 400, 'status_exception', 'The [anthropic] service does not support task type [rerank]');
  });

  test('top_k is stored and shown as top_p, as Elasticsearch writes it; the validation call sends it as given', async () => {
    const id = newId('an-topk');
    const put = await service.server.call('PUT', `/_inference/completion/${id}`, endpoint({ max_tokens: 100, temperature: 0.5, top_p: 0.9, top_k: 5 }));
    expect(put.json.task_settings).toEqual({ max_tokens: 100, temperature: 0.5, top_p: 5 });
    expect(onlyRequest(service.mock, 'messages').rawBody).toBe(
      `{"messages":[{"role":"user","content":"how big"}],"model":"${MODEL}","max_tokens":100,"temperature":0.5,"top_p":0.9,"top_k":5}`,
    );
    expect((await service.server.call('GET', `/_inference/${id}`)).json.endpoints[0].task_settings).toEqual({ max_tokens: 100, temperature: 0.5, top_p: 5 });
  });
});

describe('completion', () => {
  test('what was stored is sent; task settings of the request override it key by key (top_k as top_k)', async () => {
    const id = newId('an-call');
    await createEndpoint(service, 'completion', id, endpoint({ max_tokens: 100, top_k: 1 }));
    await complete(id, { input: 'What is Elastic?' });
    await complete(id, { input: 'And Kibana?', task_settings: { max_tokens: 20, temperature: 0.1, top_k: 3 } });
    expect(service.mock.requestsTo('messages').map((request) => request.rawBody)).toEqual([
      `{"messages":[{"role":"user","content":"What is Elastic?"}],"model":"${MODEL}","max_tokens":100,"top_p":1}`,
      `{"messages":[{"role":"user","content":"And Kibana?"}],"model":"${MODEL}","max_tokens":20,"temperature":0.1,"top_p":1,"top_k":3}`,
    ]);
  });

  test('every text block of the answer is a result; tool_use blocks are left out', async () => {
    const id = newId('an-blocks');
    await createEndpoint(service, 'completion', id, endpoint({ max_tokens: 100 }));
    const answer = { id: 'msg_1', type: 'message', role: 'assistant', model: MODEL, stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 2 } };
    const content: JsonObject[] = [{ type: 'text', text: 'first' }, { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }, { type: 'text', text: 'second' }];
    service.mock.enqueueFault('messages', { kind: 'status', status: 200, body: { ...answer, content } });
    expect((await complete(id, { input: 'x' })).json).toEqual({ completion: [{ result: 'first' }, { result: 'second' }] });
    for (let i = 0; i < 3; i++) service.mock.enqueueFault('messages', { kind: 'status', status: 200, body: { ...answer, content: 'none' } });
    const unreadable = await complete(id, { input: 'x' });
    expect(unreadable.status).toBe(500);
    expect(unreadable.json.error.reason).toBe('Failed to send Anthropic chat completions request. Cause: Failed to find required field [content] in Anthropic chat completions response');
  });

  test('one input a call', async () => {
    const id = newId('an-one');
    await createEndpoint(service, 'completion', id, endpoint({ max_tokens: 100 }));
    expectSimpleEsError(await complete(id, { input: ['a', 'b'] }), 400, 'status_exception', 'Anthropic chat completions only accepts 1 input');
    expect(service.mock.requests).toHaveLength(0);
  });
});

describe('statuses', () => {
  let id: string;
  beforeAll(async () => {
    id = newId('an-status');
    await createEndpoint(service, 'completion', id, endpoint({ max_tokens: 100 }));
  });
  const prefix = (status: number) => `for request from inference entity id [${id}] status [${status}]`;

  test("529 overloaded is retried; a lasting one is Anthropic's busy message, answered as 400", async () => {
    service.mock.enqueueFault('messages', { kind: 'status', status: 529 });
    expect((await complete(id, { input: 'x' })).status).toBe(200);
    expect(service.mock.requestsTo('messages')).toHaveLength(2);
    service.mock.reset();
    for (let i = 0; i < 3; i++) service.mock.enqueueFault('messages', { kind: 'status', status: 529 });
    const failed = await complete(id, { input: 'x' });
    expect(failed.status).toBe(400);
    expect(failed.json.error.reason).toBe(`Received an Anthropic server is temporarily overloaded status code ${prefix(529)}. Error message: [Overloaded]`);
  });

  test("a lasting 429 quotes Anthropic's rate-limit headers", async () => {
    for (let i = 0; i < 3; i++) service.mock.enqueueFault('messages', { kind: 'status', status: 429 });
    const failed = await complete(id, { input: 'x' });
    expect(failed.status).toBe(429);
    expect(failed.json.error.reason).toMatch(
      new RegExp(
        '^Received a rate limit status code\\. Token limit \\[40000\\], remaining tokens \\[0\\], tokens reset \\[2026-12-03T14:00:30Z\\]\\. ' +
          'Request limit \\[50\\], remaining requests \\[0\\], request reset \\[2026-12-03T14:00:30Z\\]\\. Retry after \\[0\\] ' +
          `for request from inference entity id \\[${id}\\] status \\[429\\]\\. Error message: \\[Number of request tokens`,
      ),
    );
    expect(service.mock.requestsTo('messages')).toHaveLength(3);
  });

  test.each([
    [403, 'Received a permission denied error status code', 'Your API key does not have permission to use the specified resource.'],
    [400, 'Received an unsuccessful status code', 'Your request was malformed.'],
    [413, 'Received an unsuccessful status code', 'Request exceeds the maximum allowed number of bytes.'],
    [503, 'Received a server error status code', 'status 503'],
  ])('a %i is final: %s', async (status, text, message) => {
    service.mock.enqueueFault('messages', { kind: 'status', status });
    const failed = await complete(id, { input: 'x' });
    expect(failed.status).toBe(status < 500 ? status : 400);
    expect(failed.json.error.reason).toBe(`${text} ${prefix(status)}. Error message: [${message}]`);
    expect(service.mock.requestsTo('messages')).toHaveLength(1);
  });

  test('a wrong key: Anthropic\'s authentication_error, never the key', async () => {
    const wrong = newId('an-wrong');
    const put = await service.server.call('PUT', `/_inference/completion/${wrong}`, endpoint({ max_tokens: 5 }, { api_key: 'sk-ant-wrong-key-0123456789' }));
    expect(put.json.error.caused_by.reason).toBe(`Received an authentication error status code for request from inference entity id [${wrong}] status [401]. Error message: [invalid x-api-key]`);
  });
});

describe('completion stream', () => {
  let id: string;
  beforeAll(async () => {
    id = newId('an-stream');
    await createEndpoint(service, 'completion', id, endpoint({ max_tokens: 100 }));
  });
  const stream = (input: string) => postRaw(service.server, `/_inference/completion/${id}/_stream`, { input });

  test('the text of content blocks, one event each; whitespace-only text dropped; stream:true last in the body', async () => {
    service.mock.enqueueFault('messages', { kind: 'reply', text: 'Elastic is a search company' });
    const response = await stream('What is Elastic?');
    expectEventStream(response, 200);
    expect(framesOf(response.text).map((frame) => frame.data)).toEqual([
      '{"completion":[{"delta":"Elastic "}]}',
      '{"completion":[{"delta":"is "}]}',
      '{"completion":[{"delta":"a "}]}',
      '{"completion":[{"delta":"search "}]}',
      '{"completion":[{"delta":"company"}]}',
      '[DONE]',
    ]);
    expect(onlyRequest(service.mock, 'messages').rawBody).toBe(`{"messages":[{"role":"user","content":"What is Elastic?"}],"model":"${MODEL}","max_tokens":100,"stream":true}`);
    service.mock.enqueueFault('messages', { kind: 'reply', text: 'a   b' });
    expect(framesOf((await stream('x')).text).map((frame) => frame.data)).toEqual(['{"completion":[{"delta":"a "}]}', '{"completion":[{"delta":"b"}]}', '[DONE]']);
  });

  test("an error event mid-stream ends it with Anthropic's message, its type's status, and no [DONE]", async () => {
    service.mock.enqueueFault('messages', { kind: 'streamError', chunks: 1, message: 'Overloaded' });
    const response = await stream('What is Elastic?');
    const frames = framesOf(response.text);
    expect(frames.map((frame) => frame.event)).toEqual(['message', 'error']);
    expect(JSON.parse(frames[1].data)).toEqual({
      error: { root_cause: [{ type: 'status_exception', reason: 'Overloaded' }], type: 'status_exception', reason: 'Overloaded' },
      status: 500,
    });
  });

  test('an error before the stream: its status, one error frame', async () => {
    service.mock.enqueueFault('messages', { kind: 'status', status: 400, body: errorBody('invalid_request_error', 'max_tokens: 9999999 > 64000') });
    const response = await stream('x');
    expectEventStream(response, 400);
    expect(JSON.parse(framesOf(response.text)[0].data).error.reason).toBe(
      `Received an unsuccessful status code for request from inference entity id [${id}] status [400]. Error message: [max_tokens: 9999999 > 64000]`,
    );
  });
});

describe('stored task settings', () => {
  test('_update merges task settings and stores top_k as top_p again', async () => {
    const id = newId('an-update');
    await createEndpoint(service, 'completion', id, endpoint({ max_tokens: 100 }));
    const updated = await service.server.call('PUT', `/_inference/completion/${id}/_update`, { task_settings: { top_k: 3 } });
    expect(updated.json.task_settings).toEqual({ max_tokens: 100, top_p: 3 });
    expect((await service.server.call('GET', `/_inference/${id}`)).json.endpoints[0].task_settings).toEqual({ max_tokens: 100, top_p: 3 });
  });
});

describe('streams Elasticsearch cannot read', () => {
  let id: string;
  beforeAll(async () => {
    id = newId('an-raw');
    await createEndpoint(service, 'completion', id, endpoint({ max_tokens: 100 }));
  });
  const sse = (...events: object[]) => events.map((data) => `event: ${(data as { type: string }).type}\ndata: ${JSON.stringify(data)}\n\n`).join('');

  test("a rate_limit_error event is a 429 in the stream's error frame", async () => {
    const body = sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } }, { type: 'error', error: { type: 'rate_limit_error', message: 'Slow down' } });
    service.mock.enqueueFault('messages', { kind: 'status', status: 200, body, headers: { 'content-type': 'text/event-stream' } });
    const frames = framesOf((await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'x' })).text);
    expect(frames.map((frame) => frame.event)).toEqual(['message', 'error']);
    expect(JSON.parse(frames[1].data)).toMatchObject({ error: { reason: 'Slow down' }, status: 429 });
  });

  test('a content block without text ends the stream with the field Elasticsearch missed', async () => {
    const body = sse({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'f', input: {} } });
    service.mock.enqueueFault('messages', { kind: 'status', status: 200, body, headers: { 'content-type': 'text/event-stream' } });
    const frames = framesOf((await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'x' })).text);
    expect(JSON.parse(frames.at(-1)!.data)).toMatchObject({ error: { type: 'illegal_state_exception', reason: 'Failed to find required field [text] in Anthropic chat completions response' }, status: 500 });
  });
});
