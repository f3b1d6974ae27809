/** INFERGATE_AUTO_PULL: a PUT of a missing built-in model pulls its recommended repository first (concurrent PUTs
 * share one pull); a hub that cannot give it fails the PUT naming the model and the hub. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SHARED_MODELS_DIR } from '../support/shared-models';
import { startTestServer, type TestServer } from '../support/server';
import { HubMock, repoOf } from './hub-mock';

let hub: HubMock;
let modelsDir: string;
let server: TestServer;

beforeAll(async () => {
  hub = await new HubMock({ 'Xenova/multilingual-e5-small': repoOf(path.join(SHARED_MODELS_DIR, 'e5-small-v2'), 'onnx/model_quantized.onnx') }).listen();
  modelsDir = mkdtempSync(path.join(tmpdir(), 'infergate-autopull-'));
  server = await startTestServer({ modelsDirs: [modelsDir], autoPull: true, hub: { endpoint: hub.url } });
});
afterAll(async () => {
  await server?.stop();
  await hub?.close();
  rmSync(modelsDir, { recursive: true, force: true });
});

test('two PUTs of the missing built-in model share one pull, then serve it', async () => {
  const body = { service: 'elasticsearch', service_settings: { model_id: '.multilingual-e5-small', num_allocations: 1, num_threads: 1 } };
  const [first, second] = await Promise.all([
    server.call('PUT', '/_inference/text_embedding/pulled-1', body),
    server.call('PUT', '/_inference/text_embedding/pulled-2', body),
  ]);
  expect([first.status, second.status]).toEqual([200, 200]);
  expect(first.json.service_settings.dimensions).toBe(384);
  const modelDownloads = hub.requests.filter((request) => request.path.startsWith('/cdn/') || request.path.endsWith('model_quantized.onnx'));
  expect(modelDownloads.filter((request) => request.path.startsWith('/cdn/')).length).toBeGreaterThanOrEqual(1);
  expect(hub.requests.filter((request) => request.path.startsWith('/api/models/'))).toHaveLength(1);
  const result = await server.call('POST', '/_inference/text_embedding/pulled-1', { input: ['hello'] });
  expect(result.json.text_embedding[0].embedding).toHaveLength(384);
});

test('a model the hub cannot give fails the PUT, naming the model and the hub', async () => {
  const put = await server.call('PUT', '/_inference/rerank/pulled-rerank', {
    service: 'elasticsearch',
    service_settings: { model_id: '.rerank-v1', num_allocations: 1, num_threads: 1 },
  });
  expect(put.status).toBe(400);
  expect(put.json.error.reason).toBe(
    `Could not download model [.rerank-v1] from [${hub.url}/Xenova/ms-marco-MiniLM-L-6-v2]: no repository [Xenova/ms-marco-MiniLM-L-6-v2] at revision [main] on ${hub.url}`,
  );
});
