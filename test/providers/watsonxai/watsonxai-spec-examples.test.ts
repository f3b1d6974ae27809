/** The specification's watsonx example end to end against the mock: PutWatsonxRequestExample1 (its key and project
 * replaced by the mock's; its `url` host is what the upstream origin replaces), then an embedding. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { onlyRequest } from '../../support/service-setup';
import { WATSONX_API_KEY, WATSONX_PROJECT } from './mock-watsonxai';
import { watsonxService } from './watsonx-setup';

const INDEX = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'reference', 'spec-examples', 'index.json');
const FILE = 'spec-examples/put_watsonx/examples/request/PutWatsonxRequestExample1.yaml';
const example = (JSON.parse(readFileSync(INDEX, 'utf8')) as { examples: Array<{ file: string; value: Record<string, unknown> }> }).examples.find(
  (candidate) => candidate.file === FILE,
)!.value;

const service = watsonxService();

test('PutWatsonxRequestExample1 creates an embedding endpoint that embeds', async () => {
  const settings = example.service_settings as Record<string, unknown>;
  const put = await service.server.call('PUT', '/_inference/text_embedding/watsonx-embeddings', {
    ...example,
    service_settings: { ...settings, api_key: WATSONX_API_KEY, project_id: WATSONX_PROJECT },
  });
  expect(put.status).toBe(200);
  expect(put.json.service_settings).toMatchObject({ url: 'Wastonx-URL', model_id: 'ibm/slate-30m-english-rtrvr', api_version: '2024-03-14', dimensions: 384 });
  service.mock.reset();
  const embedded = await service.server.call('POST', '/_inference/text_embedding/watsonx-embeddings', { input: 'The sky above the port' });
  expect(embedded.json.text_embedding[0].embedding).toHaveLength(384);
  expect(onlyRequest(service.mock, 'embeddings').query).toEqual({ version: '2024-03-14' });
});
