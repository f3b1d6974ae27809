/** SageMaker's failures as Elasticsearch's SageMakerSchema words the SDK's exceptions, and its response streams
 * (PayloadPart events; SSE inside them for the openai api, one JSON chunk each for the elastic api). */
import { DONE_FRAME, expectEventStream, framesOf, onlyErrorFrame, postRaw } from '../../support/assertions';
import { createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { startMockSageMaker } from './mock-sagemaker';
import { sagemaker } from './sagemaker-setup';

const service = withMockedService('amazon_sagemaker', startMockSageMaker);

async function completionEndpoint(api: string, taskSettings: Record<string, unknown> = {}): Promise<string> {
  const id = newId(`sm-${api}`);
  const extra = Object.keys(taskSettings).length > 0 ? { task_settings: taskSettings } : {};
  await createEndpoint(service, 'completion', id, sagemaker(api, 'completion', { target_model: 'm.tar.gz' }, extra));
  return id;
}

describe('errors', () => {
  test.each([
    [424, 'ModelError', 424, 'Received a model error from SageMaker for [{id}]', 'model_error_exception'],
    [400, 'ValidationError', 400, 'Received a validation error from SageMaker for [{id}]', 'validation_error_exception'],
    [403, 'AccessDeniedException', 400, 'Access and Secret key stored in [{id}] do not have sufficient permissions.', 'sage_maker_runtime_exception'],
  ])('a %i %s is answered %i: %s, the SDK exception as the cause', async (providerStatus, _type, status, reason, causeType) => {
    const id = await completionEndpoint('elastic');
    service.mock.enqueueFault('invocations', { kind: 'status', status: providerStatus });
    const response = await service.server.call('POST', `/_inference/completion/${id}`, { input: 'hi' });
    expect(response.status).toBe(status);
    expect(response.json.error.root_cause).toEqual([{ type: 'status_exception', reason: reason.replace('{id}', id) }]);
    expect(response.json.error.caused_by.type).toBe(causeType);
    expect(response.json.error.caused_by.reason).toMatch(new RegExp(`\\(Service: SageMakerRuntime, Status Code: ${providerStatus}, Request ID: [0-9a-f-]{36}\\)$`));
    expect(service.mock.requestsTo('invocations')).toHaveLength(1);
  });

  test('ServiceUnavailable is retried by the SDK, then answered 503; throttling is retried, then a 400', async () => {
    const id = await completionEndpoint('elastic');
    for (let i = 0; i < 3; i++) service.mock.enqueueFault('invocations', { kind: 'status', status: 503 });
    const busy = await service.server.call('POST', `/_inference/completion/${id}`, { input: 'hi' });
    expect({ status: busy.status, reason: busy.json.error.reason }).toEqual({ status: 503, reason: `SageMaker is unavailable for [${id}]` });
    expect(service.mock.requestsTo('invocations')).toHaveLength(3);
    service.mock.reset();
    for (let i = 0; i < 3; i++) service.mock.enqueueFault('invocations', { kind: 'status', status: 429 });
    const throttled = await service.server.call('POST', `/_inference/completion/${id}`, { input: 'hi' });
    expect({ status: throttled.status, reason: throttled.json.error.reason }).toEqual({ status: 400, reason: `SageMaker denied the request for [${id}] due to request throttling` });
    expect(service.mock.requestsTo('invocations')).toHaveLength(3);
  });

  test("a container's refusal on the chat route: the unified error, its code the status's Java name", async () => {
    const chat = newId('sm-chat-err');
    await createEndpoint(service, 'chat_completion', chat, sagemaker('openai', 'chat_completion'));
    const refused = await postRaw(service.server, `/_inference/chat_completion/${chat}/_stream`, { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] });
    expectEventStream(refused, 424);
    expect(onlyErrorFrame(refused)).toEqual({ error: { code: 'failed_dependency', message: `Received a model error from SageMaker for [${chat}]`, type: 'error' } });
  });
});

describe('streams', () => {
  test('openai completion: SSE split across PayloadParts, the stream operation and its headers', async () => {
    const id = await completionEndpoint('openai', { user: 'me', enable_explanations: '`true`' });
    const response = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'hi there' });
    expectEventStream(response, 200);
    const frames = framesOf(response.text);
    expect(frames.slice(0, -1).map((frame) => JSON.parse(frame.data).completion.map((d: { delta: string }) => d.delta).join(''))).toEqual(['You ', 'said: ', 'hi ', 'there']);
    expect(response.text.endsWith(DONE_FRAME)).toBe(true);
    const request = onlyRequest(service.mock, 'invocations');
    expect(request.path).toBe('/endpoints/openai-completion/invocations-response-stream');
    expect(request.rawBody).toBe('{"messages":[{"content":"hi there","role":"user"}],"n":1,"stream":true,"stream_options":{"include_usage":true},"user":"me"}');
    expect(request.headers['x-amzn-sagemaker-accept']).toBe('application/json');
    // The stream operation takes neither (Elasticsearch's createStreamRequest sets neither).
    expect(request.headers['x-amzn-sagemaker-target-model']).toBeUndefined();
    expect(request.headers['x-amzn-sagemaker-enable-explanations']).toBeUndefined();
  });

  test('elastic completion: one JSON chunk a part', async () => {
    const id = await completionEndpoint('elastic');
    const response = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'yo' });
    const frames = framesOf(response.text);
    expect(frames.map((frame) => frame.data)).toEqual(['{"completion":[{"delta":"You "}]}', '{"completion":[{"delta":"said: "}]}', '{"completion":[{"delta":"yo"}]}', '[DONE]']);
    expect(onlyRequest(service.mock, 'invocations').rawBody).toBe('{"input":"yo"}');
  });

  test('a ModelStreamError mid-stream: an error event naming the endpoint, no [DONE]', async () => {
    const id = await completionEndpoint('elastic');
    service.mock.enqueueFault('invocations', { kind: 'streamError', chunks: 1, message: 'Model container exited' });
    const response = await postRaw(service.server, `/_inference/completion/${id}/_stream`, { input: 'yo' });
    expectEventStream(response, 200);
    const frames = framesOf(response.text);
    expect(frames.map((frame) => frame.event)).toEqual(['message', 'error']);
    expect(response.text.endsWith(DONE_FRAME)).toBe(false);
    const error = JSON.parse(frames[1].data);
    expect(error).toMatchObject({ status: 500, error: { reason: `Received an error from SageMaker for [${id}]`, caused_by: { type: 'model_stream_error_exception', reason: 'Model container exited' } } });
  });

  test("unified chat on the openai api: OpenAI's request with user and the token limit last, OpenAI's chunks", async () => {
    const id = newId('sm-chat');
    await createEndpoint(service, 'chat_completion', id, sagemaker('openai', 'chat_completion', {}, { task_settings: { user: 'me' } }));
    const response = await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 9, temperature: 0.5 });
    expectEventStream(response, 200);
    const chunks = framesOf(response.text).slice(0, -1).map((frame) => JSON.parse(frame.data));
    expect(chunks[0]).toEqual({ id: 'chatcmpl-sm1', choices: [{ delta: { content: '', role: 'assistant' }, index: 0 }], model: 'meta-llama-3-8b-instruct', object: 'chat.completion.chunk' });
    expect(chunks.map((chunk) => chunk.choices[0].delta.content ?? '').join('')).toBe('You said: hi');
    expect(onlyRequest(service.mock, 'invocations').rawBody).toBe(
      '{"messages":[{"content":"hi","role":"user"}],"temperature":0.5,"n":1,"stream":true,"stream_options":{"include_usage":true},"user":"me","max_completion_tokens":9}',
    );
  });

  test('unified chat on the elastic api: the unified request itself, its chunks one a part', async () => {
    const id = newId('sm-echat');
    await createEndpoint(service, 'chat_completion', id, sagemaker('elastic', 'chat_completion'));
    const response = await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 9 });
    expect(framesOf(response.text).at(-1)!.data).toBe('[DONE]');
    expect(onlyRequest(service.mock, 'invocations').rawBody).toBe('{"messages":[{"content":"hi","role":"user"}],"max_completion_tokens":9}');
  });
});
