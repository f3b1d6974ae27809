/** What is hugging_face_elser's own (reference §8.7), as Elasticsearch's HuggingFaceElser classes send and read it. */
import { expectEsError, expectSimpleEsError } from '../../support/assertions';
import { bodyOf, createEndpoint, newId, onlyRequest, withMockedService } from '../../support/service-setup';
import { HUGGING_FACE_TOKEN, startMockHuggingFaceElser } from './mock-hugging-face';

const service = withMockedService('hugging_face_elser', startMockHuggingFaceElser);
const URL = 'https://elser.eu-west-1.aws.endpoints.huggingface.cloud';
const endpoint = (settings: Record<string, unknown> = {}) => ({ service: 'hugging_face_elser', service_settings: { api_key: HUGGING_FACE_TOKEN, url: URL, ...settings } });

test('PUT validates with {"inputs"} and stores ELSER\'s token limit', async () => {
  const id = newId('hfe');
  const put = await service.server.call('PUT', `/_inference/sparse_embedding/${id}`, endpoint());
  expect(put.json).toMatchObject({ task_type: 'sparse_embedding', service: 'hugging_face_elser' });
  expect(put.json.service_settings).toEqual({ url: URL, max_input_tokens: 512, rate_limit: { requests_per_minute: 3000 } });
  const validation = onlyRequest(service.mock, 'elser');
  expect(validation.rawBody).toBe('{"inputs":["how big"]}');
  expect(validation.headers['content-type']).toBe('application/json');
  expect(validation.headers.authorization).toBe(`Bearer ${HUGGING_FACE_TOKEN}`);
});

test('max_input_tokens is not a setting the user gives', async () => {
  const put = await service.server.call('PUT', `/_inference/sparse_embedding/${newId('hfe-max')}`, endpoint({ max_input_tokens: 100 }));
  expectSimpleEsError(put, 400, 'status_exception', 'Model configuration contains settings [{max_input_tokens=<redacted>}] unknown to the [hugging_face_elser] service');
});

test('one {token: weight} object per input, in input order; inputs over 512 tokens are cut and marked truncated', async () => {
  const id = newId('hfe-infer');
  await createEndpoint(service, 'sparse_embedding', id, endpoint());
  const long = 'word '.repeat(400); // 2000 characters: over ELSER's 512 tokens (1536 characters)
  const response = await service.server.call('POST', `/_inference/sparse_embedding/${id}`, { input: ['the cat sat', long] });
  expect(response.status).toBe(200);
  expect(response.json.sparse_embedding[0]).toEqual({ is_truncated: false, embedding: { the: 1, cat: 0.5, sat: Math.fround(1 / 3) } });
  expect(response.json.sparse_embedding[1].is_truncated).toBe(true);
  expect((bodyOf(onlyRequest(service.mock, 'elser')).inputs as string[]).map((text) => text.length)).toEqual([11, 1536]);
});

test('a 413 sends every input again cut to half, and marks them truncated', async () => {
  const id = newId('hfe-413');
  await createEndpoint(service, 'sparse_embedding', id, endpoint());
  service.mock.enqueueFault('elser', { kind: 'status', status: 413, body: { error: 'Payload Too Large' } });
  const response = await service.server.call('POST', `/_inference/sparse_embedding/${id}`, { input: ['alpha beta'] });
  expect(service.mock.requestsTo('elser').map((request) => bodyOf(request).inputs)).toEqual([['alpha beta'], ['alpha']]);
  expect(response.json.sparse_embedding).toEqual([{ is_truncated: true, embedding: { alpha: 1 } }]);
});

test('inputs go in batches of 20; an answer with fewer expansions than inputs is unreadable', async () => {
  const id = newId('hfe-batch');
  await createEndpoint(service, 'sparse_embedding', id, endpoint());
  const input = Array.from({ length: 25 }, (_, i) => `text ${i}`);
  const response = await service.server.call('POST', `/_inference/sparse_embedding/${id}`, { input });
  expect(response.json.sparse_embedding).toHaveLength(25);
  expect(response.json.sparse_embedding[24].embedding).toEqual({ text: 1, '24': 0.5 });
  expect(service.mock.requestsTo('elser').map((request) => (bodyOf(request).inputs as string[]).length).sort()).toEqual([20, 5]);
  service.mock.reset();
  for (let i = 0; i < 3; i++) service.mock.enqueueFault('elser', { kind: 'wrongShape' });
  expectEsError(await service.server.call('POST', `/_inference/sparse_embedding/${id}`, { input: ['a'] }), 500, 'status_exception', /^Failed to send Hugging Face sparse_embedding request from inference entity id/);
});
