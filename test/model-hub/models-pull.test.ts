/**
 * `models pull` against a hub on loopback serving the models of ../shared/models: whole files, byte for byte, in
 * place only when complete; an interrupted download resumed with a Range request; a wrong checksum refused with
 * nothing half-written left in place; HF_TOKEN sent to the hub and not to its CDN; a built-in id pulled from its
 * recommended repository and served by the default endpoint.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ChecksumMismatch } from '../../server/model-hub/download';
import { pullModel } from '../../server/model-hub/pull';
import { SHARED_MODELS_DIR } from '../support/shared-models';
import { startTestServer } from '../support/server';
import { HubMock, repoOf } from './hub-mock';

const SPLADE = path.join(SHARED_MODELS_DIR, 'splade-tiny');
const E5 = path.join(SHARED_MODELS_DIR, 'e5-small-v2');
const ROOT = path.join(__dirname, '../..');

let hub: HubMock;
let modelsDir: string;

beforeAll(async () => {
  hub = await new HubMock({
    'rasyosef/splade-tiny': repoOf(SPLADE),
    'Xenova/multilingual-e5-small': repoOf(E5, 'onnx/model_quantized.onnx'),
  }).listen();
});
afterAll(() => hub?.close());
beforeEach(() => {
  modelsDir = mkdtempSync(path.join(tmpdir(), 'infergate-pull-'));
  hub.requests.length = 0;
});
afterEach(() => rmSync(modelsDir, { recursive: true, force: true }));

const pull = (options: Partial<Parameters<typeof pullModel>[0]> = {}) =>
  pullModel({ repo: 'rasyosef/splade-tiny', modelsDir, hub: { endpoint: hub.url }, ...options });

const same = (a: string, b: string) => readFileSync(a).equals(readFileSync(b));

test('the CLI pulls a repository with a progress bar; the files are the hub\'s, byte for byte', async () => {
  const { stdout } = await promisify(execFile)(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/models.ts', 'pull', 'rasyosef/splade-tiny'], {
    cwd: ROOT,
    env: { ...process.env, HF_ENDPOINT: hub.url, INFERGATE_MODELS_DIR: modelsDir },
  });
  expect(stdout).toContain(`installed ${path.join(modelsDir, 'splade-tiny')}`);
  const dir = path.join(modelsDir, 'splade-tiny');
  expect(readdirSync(dir).sort()).toEqual(['config.json', 'model.onnx', 'tokenizer.json', 'tokenizer_config.json']);
  for (const file of ['config.json', 'model.onnx', 'tokenizer.json', 'tokenizer_config.json']) expect(same(path.join(dir, file), path.join(SPLADE, file))).toBe(true);
  expect(readdirSync(modelsDir)).toEqual(['splade-tiny']);

  const { stdout: listed } = await promisify(execFile)(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/models.ts', 'list'], {
    cwd: ROOT,
    env: { ...process.env, INFERGATE_MODELS_DIR: modelsDir },
  });
  expect(listed).toContain('  splade-tiny');
  expect(listed).toContain('.multilingual-e5-small → multilingual-e5-small: not installed (npm run models -- pull .multilingual-e5-small)');
}, 60_000);

test('an interrupted download resumes where it stopped', async () => {
  hub.faults.cutAfter = { path: 'onnx/model.onnx', bytes: 3_000_000 };
  await expect(pull()).rejects.toThrow();
  expect(existsSync(path.join(modelsDir, 'splade-tiny'))).toBe(false);
  await pull();
  const ranges = hub.requests.filter((request) => request.path.startsWith('/cdn/') && request.range).map((request) => request.range);
  expect(ranges).toHaveLength(1);
  expect(Number(/^bytes=(\d+)-$/.exec(ranges[0]!)![1])).toBeGreaterThan(0);
  expect(same(path.join(modelsDir, 'splade-tiny', 'model.onnx'), path.join(SPLADE, 'model.onnx'))).toBe(true);
  expect(readdirSync(modelsDir)).toEqual(['splade-tiny']);
});

test('a file that does not match its checksum is refused and deleted; nothing is put in place', async () => {
  hub.faults.corrupt = 'config.json';
  const failure = await pull().catch((error: unknown) => error);
  hub.faults.corrupt = undefined;
  expect(failure).toBeInstanceOf(ChecksumMismatch);
  expect((failure as Error).message).toMatch(/^config\.json: git-blob-sha1 [0-9a-f]{40} is not the hub's [0-9a-f]{40}; the file was deleted$/);
  expect(existsSync(path.join(modelsDir, 'splade-tiny'))).toBe(false);
  const [partial] = readdirSync(modelsDir);
  expect(readdirSync(path.join(modelsDir, partial))).not.toContain('config.json');
  // The next pull fetches only what is missing (the verified model and tokenizer stay), and completes.
  hub.requests.length = 0;
  await pull();
  const fetched = hub.requests.filter((request) => request.path.includes('/resolve/')).map((request) => request.path.split('/').at(-1));
  expect(fetched).toEqual(['config.json', 'tokenizer_config.json']);
  expect(same(path.join(modelsDir, 'splade-tiny', 'config.json'), path.join(SPLADE, 'config.json'))).toBe(true);
});

test('HF_TOKEN goes to the hub and not to where it redirects; without it a gated repository says so', async () => {
  const gated = await new HubMock({ 'rasyosef/splade-tiny': repoOf(SPLADE) }, 'hf_secret_token_123456').listen();
  try {
    await expect(pullModel({ repo: 'rasyosef/splade-tiny', modelsDir, hub: { endpoint: gated.url } })).rejects.toThrow(/set HF_TOKEN/);
    await pullModel({ repo: 'rasyosef/splade-tiny', modelsDir, hub: { endpoint: gated.url, token: 'hf_secret_token_123456' } });
    const cdn = gated.requests.filter((request) => request.path.startsWith('/cdn/'));
    expect(cdn.length).toBeGreaterThan(0);
    expect(cdn.every((request) => request.authorization === undefined)).toBe(true);
  } finally {
    await gated.close();
  }
});

test('hostile names are refused before anything is fetched', async () => {
  await expect(pull({ repo: '../../etc' })).rejects.toThrow('is not a Hugging Face repository id');
  await expect(pull({ name: '../outside' })).rejects.toThrow('cannot name a model directory');
  expect(hub.requests).toHaveLength(0);
});

test('a built-in id pulls its recommended repository, and its default endpoint serves the model', async () => {
  await promisify(execFile)(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/models.ts', 'pull', '.multilingual-e5-small'], {
    cwd: ROOT,
    env: { ...process.env, HF_ENDPOINT: hub.url, INFERGATE_MODELS_DIR: modelsDir },
  });
  const dir = path.join(modelsDir, 'multilingual-e5-small');
  expect(same(path.join(dir, 'model.onnx'), path.join(E5, 'model.onnx'))).toBe(true);
  expect(JSON.parse(readFileSync(path.join(dir, 'infergate.json'), 'utf8'))).toMatchObject({ pooling: 'mean', prefix_strings: { search: 'query: ', ingest: 'passage: ' } });
  const server = await startTestServer({ modelsDirs: [modelsDir] });
  try {
    const result = await server.call('POST', '/_inference/text_embedding/.multilingual-e5-small-elasticsearch', { input: ['hello world'] });
    expect(result.status).toBe(200);
    expect(result.json.text_embedding[0].embedding).toHaveLength(384);
  } finally {
    await server.stop();
  }
}, 60_000);
