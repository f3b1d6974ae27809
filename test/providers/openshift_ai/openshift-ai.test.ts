/** What is OpenShift AI's own (reference §8.22), as Elasticsearch's OpenShift AI classes send and read it. */
import { expectEsError, expectSimpleEsError, onlyErrorFrame, postRaw } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { OPENSHIFT_AI_TOKEN, startMockOpenShiftAi } from './mock-openshift-ai';

const service = withMockedService('openshift_ai', startMockOpenShiftAi);
const at = (path: string) => `https://gritlm.apps.ocp.example${path}`;
const endpoint = (path: string, settings: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  service: 'openshift_ai',
  service_settings: { api_key: OPENSHIFT_AI_TOKEN, url: at(path), ...settings },
  ...extra,
});

test('the url is required; without model_id no request names a model', async () => {
  expectSimpleEsError(
    await service.server.call('PUT', `/_inference/completion/${newId('os-nourl')}`, { service: 'openshift_ai', service_settings: { api_key: OPENSHIFT_AI_TOKEN } }),
    400,
    'validation_exception',
    'Validation Failed: 1: [service_settings] does not contain the required setting [url];',
  );
  const id = newId('os-emb');
  const put = await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint('/v1/embeddings'));
  expect(put.json.service_settings).toEqual({ url: at('/v1/embeddings'), rate_limit: { requests_per_minute: 3000 }, similarity: 'dot_product', dimensions: 32 });
  const validation = onlyRequest(service.mock, 'embeddings');
  expect(validation.rawBody).toBe('{"input":["how big"]}');
  expect(validation.headers['content-type']).toBe('application/json');

  const chat = newId('os-chat');
  await createEndpoint(service, 'chat_completion', chat, endpoint('/v1/chat/completions'));
  await postRaw(service.server, `/_inference/chat_completion/${chat}/_stream`, { messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 2 });
  expect(onlyRequest(service.mock, 'chat').rawBody).toBe('{"messages":[{"content":"hi","role":"user"}],"max_tokens":2,"n":1,"stream":true}');
});

test('a user-set dimensions goes upstream', async () => {
  const id = newId('os-dims');
  await service.server.call('PUT', `/_inference/text_embedding/${id}`, endpoint('/v1/embeddings', { model_id: 'gritlm-7b', dimensions: 32 }));
  expect(bodyOf(onlyRequest(service.mock, 'embeddings'))).toEqual({ input: ['how big'], model: 'gritlm-7b', dimensions: 32 });
});

describe('rerank on Cohere\'s wire', () => {
  test('stored task settings and the request\'s own top_n reach the body; a request task_settings does not', async () => {
    const id = newId('os-rerank');
    await createEndpoint(service, 'rerank', id, endpoint('/v1/rerank', { model_id: 'bge-reranker-v2-m3' }, { task_settings: { top_n: 2, return_documents: true } }));
    const input = ['Bananas are yellow.', 'Paris is the capital of France.', 'France is in Europe.'];
    const result = await service.server.call('POST', `/_inference/rerank/${id}`, { query: 'capital of France', input, task_settings: { top_n: 1 } });
    expect(result.json.rerank).toHaveLength(2);
    expect(result.json.rerank.every((entry: { text?: string }) => input.includes(entry.text ?? ''))).toBe(true);
    expect(onlyRequest(service.mock, 'rerank').rawBody).toBe(
      `{"model":"bge-reranker-v2-m3","query":"capital of France","documents":${JSON.stringify(input)},"top_n":2,"return_documents":true}`,
    );
    service.mock.reset();
    await service.server.call('POST', `/_inference/rerank/${id}`, { query: 'q', input, top_n: 3, return_documents: false });
    expect(bodyOf(onlyRequest(service.mock, 'rerank'))).toMatchObject({ top_n: 3, return_documents: false });
  });

  test("its errors follow Cohere's handler: a 404 is unsuccessful, a 503 is not retried", async () => {
    const id = newId('os-rerank-err');
    await createEndpoint(service, 'rerank', id, endpoint('/v1/rerank'));
    service.mock.enqueueFault('rerank', { kind: 'status', status: 503 });
    const busy = await service.server.call('POST', `/_inference/rerank/${id}`, { query: 'q', input: ['a'] });
    expectEsError(busy, 400, 'status_exception', new RegExp(`^Received a server error status code for request from inference entity id \\[${id}\\] status \\[503\\]`));
    expect(service.mock.requestsTo('rerank')).toHaveLength(1);
    service.mock.enqueueFault('rerank', { kind: 'status', status: 404, body: { message: 'model not found' } });
    expectEsError(
      await service.server.call('POST', `/_inference/rerank/${id}`, { query: 'q', input: ['a'] }),
      404,
      'status_exception',
      `Received an unsuccessful status code for request from inference entity id [${id}] status [404]. Error message: [model not found]`,
    );
  });
});

test("chat errors quote the whole body, typed openshift_ai_error", async () => {
  const id = newId('os-chat-err');
  await createEndpoint(service, 'chat_completion', id, endpoint('/v1/chat/completions'));
  service.mock.enqueueFault('chat', { kind: 'status', status: 404, body: { detail: 'Not Found' } });
  const response = await postRaw(service.server, `/_inference/chat_completion/${id}/_stream`, { messages: [{ role: 'user', content: 'x' }] });
  expect(onlyErrorFrame(response).error).toEqual({
    code: 'not_found',
    message: `Resource not found at [${service.mock.url}/v1/chat/completions] for request from inference entity id [${id}] status [404]. Error message: [{"detail":"Not Found"}]`,
    type: 'openshift_ai_error',
  });
});
