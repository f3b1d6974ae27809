/** Endpoints stored without an API version (made before Elasticsearch used Cohere's V2 API) keep calling V1, as
 * CohereServiceSettings reads a persisted endpoint: `/v1/*` paths, V1 bodies, V1's stream of one JSON event a line. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DATABASE_FILE } from '../../../server/store/database';
import { expectEventStream, framesOf, postRaw } from '../../support/assertions';
import { bodyOf, onlyRequest } from '../../support/service-setup';
import { startTestServer, type TestServer } from '../../support/server';
import { COHERE_API_KEY, startMockCohere, type MockCohere } from './mock-cohere';

let mock: MockCohere;
let server: TestServer;
const dataDir = mkdtempSync(path.join(tmpdir(), 'infergate-cohere-v1-'));
const start = () => startTestServer({ upstreamOrigins: { cohere: mock.url }, dataDir });
const put = (taskType: string, id: string, settings: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  server.call('PUT', `/_inference/${taskType}/${id}`, { service: 'cohere', service_settings: { api_key: COHERE_API_KEY, ...settings }, ...extra });

beforeAll(async () => {
  mock = await startMockCohere();
  server = await start();
  expect((await put('text_embedding', 'old-embed', { model_id: 'embed-english-v3.0', embedding_type: 'int8' })).status).toBe(200);
  expect((await put('rerank', 'old-rerank', { model_id: 'rerank-english-v3.0' }, { task_settings: { return_documents: true, max_chunks_per_doc: 3 } })).status).toBe(200);
  expect((await put('completion', 'old-chat', { model_id: 'command-r' })).status).toBe(200);
  await server.stop();
  const db = new Database(path.join(dataDir, DATABASE_FILE));
  const removed = db.prepare("UPDATE endpoints SET config = json_remove(config, '$.internal.api_version') WHERE service = 'cohere'").run();
  db.close();
  expect(removed.changes).toBe(3);
  server = await start();
});
beforeEach(() => mock.reset());
afterAll(async () => {
  await server?.stop();
  await mock?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('text_embedding: /v1/embed, no input_type unless one is given, and the stored settings are unchanged', async () => {
  const result = await server.call('POST', '/_inference/text_embedding/old-embed', { input: ['a', 'b'] });
  expect(result.json.text_embedding_bytes).toHaveLength(2);
  const request = onlyRequest(mock, 'embed');
  expect(request.path).toBe('/v1/embed');
  expect(request.rawBody).toBe('{"texts":["a","b"],"model":"embed-english-v3.0","embedding_types":["int8"]}');
  await server.call('POST', '/_inference/text_embedding/old-embed', { input: 'c', input_type: 'search' });
  expect(bodyOf(mock.requestsTo('embed')[1]).input_type).toBe('search_query');
  const fetched = await server.call('GET', '/_inference/old-embed');
  expect(fetched.json.endpoints[0].service_settings).not.toHaveProperty('api_version');
});

test('rerank: /v1/rerank with the task settings', async () => {
  const result = await server.call('POST', '/_inference/rerank/old-rerank', { query: 'capital of France', input: ['Bananas.', 'Paris is the capital of France.'] });
  expect(result.json.rerank[0]).toMatchObject({ index: 1, text: 'Paris is the capital of France.' });
  const request = onlyRequest(mock, 'rerank');
  expect(request.path).toBe('/v1/rerank');
  expect(request.rawBody).toBe(
    '{"model":"rerank-english-v3.0","query":"capital of France","documents":["Bananas.","Paris is the capital of France."],"return_documents":true,"max_chunks_per_doc":3}',
  );
});

test('completion: /v1/chat with `message`; its stream of JSON lines in Elasticsearch framing', async () => {
  const result = await server.call('POST', '/_inference/completion/old-chat', { input: 'Hi you' });
  expect(result.json).toEqual({ completion: [{ result: 'Echo: Hi you' }] });
  expect(onlyRequest(mock, 'chat').rawBody).toBe('{"message":"Hi you","model":"command-r"}');

  mock.reset();
  const streamed = await postRaw(server, '/_inference/completion/old-chat/_stream', { input: 'Hi you' });
  expectEventStream(streamed, 200);
  const text = framesOf(streamed.text)
    .filter((frame) => frame.event === 'message' && frame.data !== '[DONE]')
    .map((frame) => (JSON.parse(frame.data) as { completion: { delta: string }[] }).completion.map((item) => item.delta).join(''))
    .join('');
  expect(text).toBe('Echo: Hi you');
  const request = onlyRequest(mock, 'chat');
  expect(request.path).toBe('/v1/chat');
  expect(request.rawBody).toBe('{"message":"Hi you","model":"command-r","stream":true}');
});
