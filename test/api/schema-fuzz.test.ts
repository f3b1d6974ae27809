/**
 * A schema fuzzer: requests made from every operation of generated/openapi.json (hostile path segments, typed and
 * unknown query parameters, bodies generated from the request schemas and then broken: wrong types, nulls, huge
 * numbers, odd unicode, deep nesting, missing fields, malformed JSON) are sent to a real server, and every answer
 * must be one the spec documents for the operation that served it, and never a 5xx. The seed is fixed, so a
 * failure replays; FUZZ_SEED and FUZZ_REQUESTS run other seeds or longer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import document from '../../generated/openapi.json';
import { parseHostPatterns } from '../../server/providers/kit/host-patterns';
import { DEFAULT_API_KEY, startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import { Prng } from '../support/fuzz/prng';
import { fuzzRequest, operationsOf, type FuzzOperation, type PathPools } from '../support/fuzz/requests';
import { undocumented } from '../support/fuzz/response-check';
import { startTestServer, type TestServer } from '../support/server';
import { elastic, securityConfig } from '../support/security';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 1500);

type Json = Record<string, unknown>;
const spec = document as unknown as { paths: Record<string, Json>; components: { schemas: Record<string, Json> } };
const operations = operationsOf(spec);

let mock: MockOpenAi;
let server: TestServer;
let modelsDir: string;

const FIXTURES = [
  ['text_embedding', 'fz-emb', 'text-embedding-3-small'],
  ['completion', 'fz-cmp', 'gpt-4o-mini'],
  ['chat_completion', 'fz-chat', 'gpt-4o-mini'],
] as const;

async function ensureFixtures(): Promise<void> {
  for (const [taskType, id, model] of FIXTURES) {
    if ((await server.call('GET', `/_inference/${id}`, undefined, elastic)).status === 200) continue;
    const url = taskType === 'text_embedding' ? mock.embeddingsUrl : mock.chatUrl;
    const put = await server.call('PUT', `/_inference/${taskType}/${id}`, { service: 'openai', service_settings: { api_key: DEFAULT_API_KEY, model_id: model, url } }, elastic);
    expect(put.status).toBe(200);
  }
}

beforeAll(async () => {
  mock = await startMockOpenAi();
  // No local models: a fuzzed PUT of the elasticsearch service must not start real deployments.
  modelsDir = mkdtempSync(path.join(tmpdir(), 'infergate-fuzz-models-'));
  // Security on, as elastic: the security APIs answer (with security off they are Elasticsearch's deliberate 500).
  server = await startTestServer({ ...securityConfig, skipValidation: true, modelsDirs: [modelsDir], allowedUpstreamHosts: parseHostPatterns('127.0.0.1') });
  await ensureFixtures();
});

afterAll(async () => {
  await server?.stop();
  await mock?.close();
  if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
});

const isParam = (segment: string) => segment.startsWith('{');

/** The operation the server routes a path to: of the templates that fit, the one with a literal segment where the
 * others have a parameter, first from the left (as the validator's router orders them). */
function servingOperation(method: string, pathname: string): FuzzOperation | undefined {
  const segments = pathname.split('/').slice(1);
  if (segments.length > 1 && segments.at(-1) === '') segments.pop();
  const rank = (template: string[]) => template.map((part) => (isParam(part) ? '1' : '0')).join('');
  let best: { operation: FuzzOperation; rank: string } | undefined;
  for (const operation of operations) {
    if (operation.method !== method && !(method === 'HEAD' && operation.method === 'GET')) continue;
    const template = operation.template === '/' ? [''] : operation.template.split('/').slice(1);
    if (template.length !== segments.length || !template.every((part, i) => isParam(part) || part === segments[i])) continue;
    const candidate = { operation, rank: rank(template) + (operation.method === method ? '0' : '1') };
    if (!best || candidate.rank < best.rank) best = candidate;
  }
  return best?.operation;
}

const pools: PathPools = {
  inference_id: ['fz-emb', 'fz-cmp', 'fz-chat', 'fz-new', 'fz-other', '.elser-2-elasticsearch', '_all', '*', 'Bad_ID', '-x', 'x.y', '_stream', '_update', 'a'.repeat(513)],
  task_type: ['text_embedding', 'sparse_embedding', 'rerank', 'completion', 'chat_completion', 'embedding', 'any', 'TEXT_EMBEDDING', ' rerank ', 'bogus', 'Chat_Completıon', '_all'],
  model_id: ['_all', '*', 'fz-*', '.multilingual-e5-small', 'nope', 'a,b*'],
};

const overrides = {
  url: (prng: Prng) => prng.pick([mock.embeddingsUrl, mock.chatUrl, 'http://10.0.0.1/v1', 'not a url']),
  api_key: (prng: Prng) => prng.pick([DEFAULT_API_KEY, 'sk-wrong']),
  service: (prng: Prng) => prng.pick(['openai', 'openai', 'openai', 'elasticsearch', 'mistral', 'nope']),
  model_id: (prng: Prng) => prng.pick(['text-embedding-3-small', 'gpt-4o-mini', '.multilingual-e5-small', 'x']),
};

test(`${REQUESTS} fuzzed requests (seed ${SEED}) all get answers the spec documents, none a 5xx`, async () => {
  const prng = new Prng(SEED);
  const fallbackError = spec.components.schemas.ElasticsearchError;
  const problems: string[] = [];
  const statuses = new Map<number, number>();
  for (let i = 0; i < REQUESTS; i++) {
    const operation = operations[i % operations.length];
    const request = fuzzRequest(operation, prng, pools, { mutation: prng.pick([0, 0.02, 0.1]), overrides });
    const url = new URL(request.path, server.url);
    const response = await fetch(url, {
      method: request.method,
      headers: request.body === undefined ? elastic : { ...elastic, 'content-type': 'application/json' },
      body: request.body,
    });
    // Not response.text(): it drops the byte-order mark that starts every event frame.
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const served = servingOperation(request.method, url.pathname);
    const problem = undocumented(served, fallbackError, request.method, { status: response.status, contentType: response.headers.get('content-type') ?? '', text });
    if (problem) problems.push(`#${i} ${request.method} ${request.path} (${served?.operationId ?? 'no route'}) body=${(request.body ?? '').slice(0, 200)} → ${response.status} ${problem}`);
    if (request.method === 'DELETE' && response.status === 200) await ensureFixtures();
  }
  // The run reached past the front door: successes and errors of several kinds.
  expect(statuses.get(200) ?? 0).toBeGreaterThan(REQUESTS / 20);
  expect([...statuses.keys()].filter((status) => status >= 400).length).toBeGreaterThan(2);
  expect(problems.slice(0, 25)).toEqual([]);
}, 120_000);
