/** The specification's Jina AI examples: each PUT request example, sent with the validation call to the mock,
 * answers exactly its response example (dimensions, embedding type, similarity, multimodal flag, chunking). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { withMockedService } from '../../support/service-setup';
import { JINA_API_KEY, startMockJinaAi } from './mock-jinaai';

interface Example {
  file: string;
  kind: 'request' | 'response';
  method_request: string | null;
  value: unknown;
}

const relative = path.join('..', 'shared', 'reference', 'spec-examples', 'index.json');
const candidates = [path.resolve(__dirname, '..', '..', '..', relative), path.resolve(process.cwd(), relative)];
const examples = (JSON.parse(readFileSync(candidates.find((c) => existsSync(c)) ?? candidates[0], 'utf8')) as { examples: Example[] }).examples;
const ofJina = examples.filter((e) => e.file.includes('/put_jinaai/'));
const numberOf = (e: Example) => e.file.slice(e.file.lastIndexOf('Example') + 'Example'.length, -'.yaml'.length);
const PAIRS = ofJina
  .filter((e) => e.kind === 'request')
  .map((request) => [numberOf(request)!, request, ofJina.find((e) => e.kind === 'response' && numberOf(e) === numberOf(request))!] as const);

const service = withMockedService('jinaai', startMockJinaAi);

test('the four PUT examples are paired with their responses', () => {
  expect(PAIRS.map(([number, , response]) => [number, response !== undefined])).toEqual([
    ['1', true],
    ['2', true],
    ['3', true],
    ['4', true],
  ]);
});

test.each(PAIRS)('PutJinaAiRequestExample%s answers its response example', async (_number, request, response) => {
  const target = (request.method_request ?? '').replace(/^PUT\s+/, '/');
  // The examples' placeholder key, swapped for one the mock takes.
  const body = request.value as { service_settings: Record<string, unknown> };
  const put = await service.server.call('PUT', target, { ...body, service_settings: { ...body.service_settings, api_key: JINA_API_KEY } });
  expect(put.json).toEqual(response.value);
  await service.server.call('DELETE', `/_inference/${put.json.inference_id}`);
});
