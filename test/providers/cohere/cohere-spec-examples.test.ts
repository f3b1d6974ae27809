/** The specification's Cohere examples end to end against the mock: each PUT example (its key replaced by the
 * mock's), then the request example of the task type, answered in the shape of its response example (numbers where
 * 8.13's example shows strings, reference §4). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createEndpoint, withMockedService } from '../../support/service-setup';
import { COHERE_API_KEY, startMockCohere } from './mock-cohere';

interface Example {
  file: string;
  value: Record<string, unknown>;
  historical: boolean;
}

const INDEX = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'reference', 'spec-examples', 'index.json');
const EXAMPLES = (JSON.parse(readFileSync(INDEX, 'utf8')) as { examples: Example[] }).examples.filter((example) => !example.historical);
const example = (file: string): Record<string, unknown> => {
  const found = EXAMPLES.find((candidate) => candidate.file === `spec-examples/${file}`);
  if (!found) throw new Error(`no example ${file}`);
  return found.value;
};
const withMockKey = (body: Record<string, unknown>) => ({ ...body, service_settings: { ...(body.service_settings as object), api_key: COHERE_API_KEY } });

const service = withMockedService('cohere', startMockCohere);

test('PutCohereRequestExample2 then RerankRequestExample1: the shape of RerankResponseExample1', async () => {
  await createEndpoint(service, 'rerank', 'cohere_rerank', withMockKey(example('put_cohere/examples/request/PutCohereRequestExample2.yaml')));
  const request = example('rerank/examples/request/RerankRequestExample1.yaml') as { input: string[]; query: string };
  const result = await service.server.call('POST', '/_inference/rerank/cohere_rerank', request);
  expect(result.status).toBe(200);
  const expected = (example('rerank/examples/response/RerankResponseExample1.yaml') as { rerank: Record<string, unknown>[] }).rerank;
  const entries = result.json.rerank as { index: number; relevance_score: number; text: string }[];
  expect(entries).toHaveLength(expected.length);
  for (const entry of entries) {
    expect(Object.keys(entry).sort()).toEqual(Object.keys(expected[0]).sort());
    expect(entry.text).toBe(request.input[entry.index]);
  }
  const scores = entries.map((entry) => entry.relevance_score);
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
  expect(new Set(entries.map((entry) => entry.index))).toEqual(new Set(request.input.map((_, index) => index)));
});

test('PutCohereRequestExample1 (byte embeddings) answers text_embedding_bytes; PutCohereRequestExample3 completes', async () => {
  await createEndpoint(service, 'text_embedding', 'cohere-embeddings', withMockKey(example('put_cohere/examples/request/PutCohereRequestExample1.yaml')));
  const embedded = await service.server.call('POST', '/_inference/text_embedding/cohere-embeddings', { input: 'The sky above the port' });
  expect(Object.keys(embedded.json)).toEqual(['text_embedding_bytes']);
  await createEndpoint(service, 'completion', 'cohere-completion', withMockKey(example('put_cohere/examples/request/PutCohereRequestExample3.yaml')));
  const completed = await service.server.call('POST', '/_inference/completion/cohere-completion', { input: 'What is Elastic?' });
  expect(completed.json).toEqual({ completion: [{ result: expect.any(String) }] });
});
