/** What is Hugging Face's own (reference §8.7), as Elasticsearch's HuggingFace classes send and read it. */
import { expectEsError, expectSimpleEsError, onlyErrorFrame, postRaw } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import type { JsonObject } from '../../support/mock-provider/mock-server';
import { HUGGING_FACE_TOKEN, startMockHuggingFace } from './mock-hugging-face';

const service = withMockedService('hugging_face', startMockHuggingFace);
const at = (path: string) => `https://abc123.us-east-1.aws.endpoints.huggingface.cloud${path}`;
const endpoint = (path: string, settings: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  service: 'hugging_face',
  service_settings: { api_key: HUGGING_FACE_TOKEN, url: at(path), ...settings },
  ...extra,
});

describe('text_embedding', () => {
  test('PUT sends {"inputs"} to the url as given, learns the size and stores cosine', async () => {
    const id = newId('hf-emb');
    const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint('/embed'));
    expect(put.json.service_settings).toEqual({ url: at('/embed'), rate_limit: { requests_per_minute: 3000 }, similarity: 'cosine', dimensions: 384 });
    const validation = onlyRequest(service.mock, 'embeddings');
    expect(validation.path).toBe('/embed');
    expect(validation.rawBody).toBe('{"inputs":["how big"]}');
    expect(validation.headers['content-type']).toBe('application/json');
    expect(validation.headers.authorization).toBe(`Bearer ${HUGGING_FACE_TOKEN}`);
  });

  test('model_id is not a text_embedding setting', async () => {
    const put = await service.server.call('PUT', `/_inference/text_embedding/${newId('hf-model')}`, endpoint('/', { model_id: 'e5' }));
    expectSimpleEsError(put, 400, 'status_exception', 'Model configuration contains settings [{model_id=e5}] unknown to the [hugging_face] service');
    expect(service.mock.requestsTo('embeddings')).toHaveLength(0);
  });

  test('both answer shapes are read: an array of vectors, and {"embeddings": [...]}', async () => {
    const id = newId('hf-shapes');
    await createEndpoint(service, 'text_embedding', id, endpoint('/'));
    const asArray = await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: ['a', 'b'] });
    service.mock.embeddingsAsObject = true;
    const asObject = await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: ['a', 'b'] });
    expect(asObject.status).toBe(200);
    expect(asObject.json).toEqual(asArray.json);
    expect(asArray.json.text_embedding).toHaveLength(2);
    expect(asArray.json.text_embedding[0].embedding).not.toEqual(asArray.json.text_embedding[1].embedding);
  });

  test('inputs go in batches of 20, results in input order', async () => {
    const id = newId('hf-batch');
    await createEndpoint(service, 'text_embedding', id, endpoint('/'));
    const input = Array.from({ length: 45 }, (_, i) => `text number ${i}`);
    const all = await service.server.call('POST', `/_inference/text_embedding/${id}`, { input });
    expect(service.mock.requestsTo('embeddings').map((request) => (bodyOf(request).inputs as string[]).length).sort()).toEqual([20, 20, 5]);
    service.mock.reset();
    const one = await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: [input[33]] });
    expect(all.json.text_embedding[33]).toEqual(one.json.text_embedding[0]);
  });

  test('a 413 is sent again with every input cut to half', async () => {
    const id = newId('hf-413');
    await createEndpoint(service, 'text_embedding', id, endpoint('/'));
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 413, body: { error: 'Payload Too Large' } });
    const response = await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: ['abcdefgh'] });
    expect(response.status).toBe(200);
    expect(service.mock.requestsTo('embeddings').map((request) => bodyOf(request).inputs)).toEqual([['abcdefgh'], ['abcd']]);
  });

  test('errors quote {"error"}; a 500 is final, a 503 is retried as a rate limit', async () => {
    const id = newId('hf-err');
    await createEndpoint(service, 'text_embedding', id, endpoint('/'));
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 400, body: { error: 'Input validation error: inputs cannot be empty' } });
    expectEsError(
      await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: ['a'] }),
      400,
      'status_exception',
      `Received an unsuccessful status code for request from inference entity id [${id}] status [400]. Error message: [Input validation error: inputs cannot be empty]`,
    );
    service.mock.reset();
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 500 });
    expectEsError(await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: ['a'] }), 400, 'status_exception', /^Received a server error status code for request/);
    expect(service.mock.requestsTo('embeddings')).toHaveLength(1);
    service.mock.reset();
    service.mock.enqueueFault('embeddings', { kind: 'status', status: 503, headers: { 'retry-after': '0' } });
    expect((await service.server.call('POST', `/_inference/text_embedding/${id}`, { input: ['a'] })).status).toBe(200);
    expect(service.mock.requestsTo('embeddings')).toHaveLength(2);
  });
});

describe('rerank on TEI\'s wire', () => {
  const input = ['Bananas are yellow.', 'Paris is the capital of France.', 'France is in Europe.'];

  test('stored task settings and the request\'s own top_n reach the body; a request task_settings does not', async () => {
    const id = newId('hf-rerank');
    await createEndpoint(service, 'rerank', id, endpoint('/rerank', {}, { task_settings: { top_n: 2, return_documents: true } }));
    const result = await service.server.call('POST', `/_inference/rerank/${id}`, { query: 'capital of France', input, task_settings: { top_n: 1 } });
    expect(onlyRequest(service.mock, 'rerank').rawBody).toBe(`{"texts":${JSON.stringify(input)},"query":"capital of France","return_text":true,"top_n":2}`);
    // TEI answers every text: the ranking is cut to top_n here.
    expect(result.json.rerank).toEqual([
      { index: 1, relevance_score: expect.any(Number), text: input[1] },
      { index: 2, relevance_score: expect.any(Number), text: input[2] },
    ]);
    expect(result.json.rerank[0].relevance_score).toBeGreaterThan(result.json.rerank[1].relevance_score);
    service.mock.reset();
    await service.server.call('POST', `/_inference/rerank/${id}`, { query: 'q', input, top_n: 3, return_documents: false });
    expect(bodyOf(onlyRequest(service.mock, 'rerank'))).toEqual({ texts: input, query: 'q', return_text: false, top_n: 3 });
  });

  test('an answer in any order is sorted by score and cut to top_n', async () => {
    const id = newId('hf-rerank-order');
    await createEndpoint(service, 'rerank', id, endpoint('/rerank'));
    const answer: JsonObject[] = [{ index: 0, score: 0.1 }, { index: 1, score: 0.9, text: input[1] }, { index: 2, score: 0.5 }];
    service.mock.enqueueFault('rerank', { kind: 'status', status: 200, body: answer });
    const result = await service.server.call('POST', `/_inference/rerank/${id}`, { query: 'q', input, top_n: 2 });
    expect(result.json.rerank).toEqual([{ index: 1, relevance_score: 0.9, text: input[1] }, { index: 2, relevance_score: 0.5 }]);
  });

  test('without settings the body has neither field, and every document is ranked without text', async () => {
    const id = newId('hf-rerank-plain');
    await createEndpoint(service, 'rerank', id, endpoint('/rerank'));
    const result = await service.server.call('POST', `/_inference/rerank/${id}`, { query: 'France', input });
    expect(bodyOf(onlyRequest(service.mock, 'rerank'))).toEqual({ texts: input, query: 'France' });
    expect(result.json.rerank.map((entry: { index: number }) => entry.index).sort()).toEqual([0, 1, 2]);
    expect(result.json.rerank.some((entry: { text?: string }) => entry.text !== undefined)).toBe(false);
  });
});

describe('completion and chat_completion on the OpenAI-compatible chat API', () => {
  test('without model_id the body names no model; with it, the model is named', async () => {
    const id = newId('hf-chat');
    await createEndpoint(service, 'chat_completion', id, endpoint('/v1/chat/completions'));
    await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 2 });
    expect(onlyRequest(service.mock, 'chat').rawBody).toBe('{"messages":[{"content":"hi","role":"user"}],"max_tokens":2,"n":1,"stream":true,"stream_options":{"include_usage":true}}');
    const named = newId('hf-completion');
    await createEndpoint(service, 'completion', named, endpoint('/v1/chat/completions', { model_id: 'meta-llama/Llama-3.1-8B-Instruct' }));
    const answer = await service.server.call('POST', `/_inference/completion/${named}`, { input: 'Say hi' });
    expect(answer.json.completion[0].result).toEqual(expect.any(String));
    expect(bodyOf(onlyRequest(service.mock, 'chat'))).toMatchObject({ model: 'meta-llama/Llama-3.1-8B-Instruct', stream: false });
  });

  test("completion errors are read as OpenAI's chat handler reads them", async () => {
    const id = newId('hf-completion-err');
    await createEndpoint(service, 'completion', id, endpoint('/v1/chat/completions'));
    service.mock.enqueueFault('chat', { kind: 'status', status: 400, body: { error: { message: 'Template error', type: 'invalid_request_error' } } });
    expectEsError(
      await service.server.call('POST', `/_inference/completion/${id}`, { input: 'x' }),
      400,
      'status_exception',
      `Received a bad request status code for request from inference entity id [${id}] status [400]. Error message: [Template error]`,
    );
  });

  test('chat errors quote {"error"}, typed hugging_face_error', async () => {
    const id = newId('hf-chat-err');
    await createEndpoint(service, 'chat_completion', id, endpoint('/v1/chat/completions'));
    service.mock.enqueueFault('chat', { kind: 'status', status: 400, body: { error: 'Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096' } });
    const response = await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'x' }] });
    expect(onlyErrorFrame(response).error).toEqual({
      code: 'bad_request',
      message: `Received a bad request status code for request from inference entity id [${id}] status [400]. Error message: [Input validation error: \`inputs\` tokens + \`max_new_tokens\` must be <= 4096]`,
      type: 'hugging_face_error',
    });
  });
});
