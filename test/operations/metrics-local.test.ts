/** GET /metrics shows each local deployment: allocations, queue depth, inputs run, batch sizes, model time. */
import { buildTestModels, localModelsConfig } from '../support/local-models';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(localModelsConfig(buildTestModels()));
});
afterAll(async () => {
  await server?.stop();
});

test('a local deployment is measured when scraped', async () => {
  const put = await server.call('PUT', '/_inference/text_embedding/metrics-local', {
    service: 'elasticsearch',
    service_settings: { model_id: '.multilingual-e5-small', num_allocations: 1, num_threads: 1 },
  });
  expect(put.status).toBe(200);
  const inputs = ['The stock market fell today.', 'Paris is the capital of France.', 'Bananas are yellow.'];
  expect((await server.call('POST', '/_inference/text_embedding/metrics-local', { input: inputs })).status).toBe(200);

  const text = (await server.call('GET', '/metrics')).text;
  const line = (name: string) => text.split('\n').find((candidate) => candidate.startsWith(`${name}{deployment_id="metrics-local"`));
  expect(line('infergate_local_allocations')).toMatch(/ 1$/);
  expect(line('infergate_local_queue_depth')).toMatch(/ 0$/);
  // The validation call's input and these three.
  expect(Number(line('infergate_local_inference_count')?.split(' ').at(-1))).toBeGreaterThanOrEqual(inputs.length);
  expect(Number(line('infergate_local_max_batch_size')?.split(' ').at(-1))).toBeGreaterThanOrEqual(1);
  expect(Number(line('infergate_local_average_inference_seconds')?.split(' ').at(-1))).toBeGreaterThan(0);
  expect(text).toContain('gen_ai_client_operation_duration_seconds_count{gen_ai_system="elasticsearch",gen_ai_operation_name="embeddings",gen_ai_request_model=".multilingual-e5-small",inference_id="metrics-local"');
});
