/** What is Mistral's own (reference §8.8), as Elasticsearch's Mistral classes send and read it. */
import { expectEsError, expectEventStream, expectSimpleEsError, onlyErrorFrame, postRaw } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { MISTRAL_API_KEY, MISTRAL_ERRORS, startMockMistral } from './mock-mistral';

const service = withMockedService('mistral', startMockMistral);
const endpoint = (model: string, extra: Record<string, unknown> = {}) => ({ service: 'mistral', service_settings: { api_key: MISTRAL_API_KEY, model, ...extra } });

describe('text_embedding', () => {
  test("the validation call's size replaces a given `dimensions`, which is never sent; similarity defaults to dot_product", async () => {
    const id = newId('mistral-emb');
    const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint('mistral-embed', { dimensions: 3 }));
    expect(put.json.service_settings).toEqual({ model: 'mistral-embed', dimensions: 1024, rate_limit: { requests_per_minute: 240 }, similarity: 'dot_product' });
    const validation = onlyRequest(service.mock, 'embeddings');
    expect(validation.rawBody).toBe('{"model":"mistral-embed","input":["how big"],"encoding_format":"float"}');
    expect(validation.headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(validation.headers.authorization).toBe(`Bearer ${MISTRAL_API_KEY}`);
  });

  test('inputs go upstream in batches of 96 and come back in input order', async () => {
    const id = newId('mistral-batch');
    await createEndpoint(service, 'text_embedding', id, endpoint('mistral-embed'));
    const input = Array.from({ length: 200 }, (_, i) => `text ${i}`);
    const result = await service.server.call('POST', `/_inference/text_embedding/${id}`, { input });
    expect(result.json.text_embedding).toHaveLength(200);
    const batches = service.mock.requestsTo('embeddings').map((request) => bodyOf(request).input as string[]);
    expect(batches.map((batch) => batch.length).sort()).toEqual([8, 96, 96]);
    expect(batches.flat().sort()).toEqual([...input].sort());
  });

  test("an embeddings error reads only OpenAI's error shape, so Mistral's 401 body adds no message", async () => {
    const id = newId('mistral-emb-401');
    await createEndpoint(service, 'text_embedding', id, endpoint('mistral-embed'));
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 401 });
    const result = await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: 'x' });
    expectEsError(result, 401, 'status_exception', `Received an authentication error status code for request from inference entity id [${id}] status [401]`);
  });
});

describe('completion and chat_completion', () => {
  test('the chat body renames the token limit to max_tokens, asks for no usage chunk and sets no charset', async () => {
    const id = newId('mistral-chat');
    await createEndpoint(service, 'chat_completion', id, endpoint('mistral-small-latest'));
    const response = await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 9 });
    expectEventStream(response, 200);
    const sent = onlyRequest(service.mock, 'chat');
    expect(sent.rawBody).toBe('{"messages":[{"content":"hi","role":"user"}],"max_tokens":9,"model":"mistral-small-latest","n":1,"stream":true}');
    expect(sent.headers['content-type']).toBe('application/json');
  });

  test('a completion takes one input, and reads Mistral\'s 422 validation detail', async () => {
    const id = newId('mistral-cmp');
    await createEndpoint(service, 'completion', id, endpoint('mistral-small-latest'));
    expectSimpleEsError(
      await service.server.call('POST', `/_inference/completion/${id}`, { input: ['a', 'b'] }),
      400,
      'status_exception',
      'Mistral completions only accepts 1 input',
    );
    service.mock.enqueueFault('chat', { kind: 'status', status: 422 });
    expectEsError(
      await service.server.call('POST', `/_inference/completion/${id}`, { input: 'a' }),
      422,
      'status_exception',
      `Received an input validation error response for request from inference entity id [${id}] status [422]. Error message: [Input should be greater than or equal to 0]`,
    );
  });

  test("on the chat route Mistral's whole error body is the message, typed mistral_error", async () => {
    const id = newId('mistral-chat-err');
    await createEndpoint(service, 'chat_completion', id, endpoint('mistral-small-latest'));
    service.mock.enqueueFault('chat', { kind: 'status', status: 400 });
    const response = await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'hi' }] });
    expectEventStream(response, 400);
    expect(onlyErrorFrame(response)).toEqual({
      error: {
        code: 'bad_request',
        message: `Received a bad request status code for request from inference entity id [${id}] status [400]. Error message: [${JSON.stringify(MISTRAL_ERRORS[400])}]`,
        type: 'mistral_error',
      },
    });
  });
});

test('the model setting is `model`', async () => {
  const response = await service.server.call('PUT', `/_inference/completion/${newId('mistral-mid')}`, { service: 'mistral', service_settings: { api_key: MISTRAL_API_KEY, model_id: 'x' } });
  expectSimpleEsError(response, 400, 'validation_exception', 'Validation Failed: 1: [service_settings] does not contain the required setting [model];');
});
