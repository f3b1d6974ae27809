/**
 * The package as a user gets it: `npm pack` (its prepack builds dist/ afresh) holds the built server, client and
 * generated types and nothing else (no sources, tests, data, models or source maps); installed from the tarball into
 * a fresh project, its `infergate` bin serves, `infergate/client` (and the package root) import in JavaScript and
 * type-check in TypeScript, and the client calls that server through the OpenAI mock.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { killSpawnedServers, spawnServer, type ChildServer } from '../support/child-server';
import { DEFAULT_API_KEY, embeddingFor, startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';

const ROOT = path.join(__dirname, '../..');
const run = promisify(execFile);
const npm = (args: string[], cwd: string) => run('npm', args, { cwd, maxBuffer: 64 << 20, env: { ...process.env, npm_config_loglevel: 'error' } });

let work: string;
let project: string;
let tarball: string;
let mock: MockOpenAi;
let server: ChildServer;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'infergate-pack-'));
  await npm(['pack', '--pack-destination', work], ROOT);
  tarball = path.join(work, readdirSync(work).find((name) => name.endsWith('.tgz'))!);
  project = path.join(work, 'project');
  await run('mkdir', [project]);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'uses-infergate', private: true }));
  // The npm cache is warm after the repository's `npm ci`. --ignore-scripts skips compiling better-sqlite3 (~80 s on
  // 2 cores); the server needs that build, so it is taken from the repository's own install (same version, same Node).
  await npm(['install', tarball, '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], project);
  useBuiltSqlite(project);
  mock = await startMockOpenAi();
  const cli = path.join(project, 'node_modules/infergate/dist/server/cli/main.js');
  server = await spawnServer({ INFERGATE_DATA_DIR: path.join(work, 'data'), INFERGATE_MODELS_DIR: path.join(work, 'models') }, 60_000, [cli, 'serve'], project);
}, 300_000);

function useBuiltSqlite(into: string): void {
  const version = (dir: string) => (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const ours = path.join(ROOT, 'node_modules/better-sqlite3');
  const theirs = path.join(into, 'node_modules/better-sqlite3');
  expect(version(theirs)).toBe(version(ours));
  cpSync(path.join(ours, 'build/Release/better_sqlite3.node'), path.join(theirs, 'build/Release/better_sqlite3.node'));
}

afterAll(async () => {
  await killSpawnedServers();
  await mock?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the built package only', async () => {
  const { stdout } = await run('tar', ['-tzf', tarball]);
  const files = stdout.split('\n').filter(Boolean).map((entry) => entry.replace(/^package\//, ''));
  expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/server/cli/main.js', 'dist/client/index.js', 'dist/client/index.d.ts', 'dist/generated/openapi.d.ts', 'generated/openapi.json']));
  const allowed = /^(package\.json|README\.md|LICENSE|dist\/(server|client|generated)\/.+\.js|dist\/(client|generated)\/.+\.d\.ts|generated\/openapi(\.bundled)?\.json|examples\/.+)$/;
  expect(files.filter((file) => !allowed.test(file))).toEqual([]);
  // Belt and braces beside the allow-list: no tests, sources, data, models, keys or source maps.
  const unwanted = /(^|\/)(test|spec|scripts|data|models|node_modules|\.venv)\/|(?<!\.d)\.ts$|\.(map|onnx|sqlite|db|pem|key)$|(^|\/)\.(env|npmrc)/;
  expect(files.filter((file) => unwanted.test(file))).toEqual([]);
});

test('the installed bin answers --version and --help', async () => {
  const bin = path.join(project, 'node_modules/.bin/infergate');
  const { stdout: version } = await run(bin, ['--version'], { cwd: project });
  expect(version.trim()).toBe((require('../../package.json') as { version: string }).version);
  const { stdout: help } = await run(bin, ['--help'], { cwd: project });
  expect(help).toContain('serve');
  expect(help).toContain('models list');
}, 90_000);

test('from another project, the client (infergate/client and the package root) calls the served infergate', async () => {
  writeFileSync(
    path.join(project, 'use-client.cjs'),
    `const { createInfergateClient } = require('infergate/client');
const root = require('infergate');
(async () => {
  const client = createInfergateClient({ baseUrl: process.env.INFERGATE_URL });
  await client.putEndpointWithTaskType('text_embedding', 'packed-embeddings', {
    service: 'openai',
    service_settings: { api_key: process.env.KEY, model_id: 'text-embedding-3-small', url: process.env.EMBEDDINGS_URL, dimensions: 8 },
  });
  const embedded = await client.textEmbedding('packed-embeddings', { input: ['packed'] });
  await client.putEndpoint('packed-completion', { service: 'openai', task_type: 'completion', service_settings: { api_key: process.env.KEY, model_id: 'gpt-4o-mini', url: process.env.CHAT_URL } });
  let streamed = '';
  for await (const event of client.streamCompletion('packed-completion', { input: 'from a tarball' })) streamed += event.data.completion.map((c) => c.delta).join('');
  console.log(JSON.stringify({ sameExport: root.createInfergateClient === createInfergateClient, embedded, streamed }));
})().catch((error) => { console.error(error); process.exit(1); });
`,
  );
  const { stdout } = await run(process.execPath, ['use-client.cjs'], {
    cwd: project,
    env: { ...process.env, INFERGATE_URL: server.url, KEY: DEFAULT_API_KEY, EMBEDDINGS_URL: mock.embeddingsUrl, CHAT_URL: mock.chatUrl },
  });
  expect(JSON.parse(stdout)).toEqual({ sameExport: true, embedded: { text_embedding: [{ embedding: embeddingFor('packed', 8) }] }, streamed: 'Echo: from a tarball' });
}, 90_000);

test('the client\'s types resolve through the package\'s exports in a TypeScript project', async () => {
  writeFileSync(
    path.join(project, 'typed.ts'),
    `import { createInfergateClient, type CompletionStreamEvent } from 'infergate/client';
const client = createInfergateClient({ baseUrl: 'http://127.0.0.1:9200' });
export async function deltas(): Promise<string> {
  let text = '';
  for await (const event of client.streamCompletion('x', { input: 'y' })) text += (event.data satisfies CompletionStreamEvent).completion[0].delta;
  return text;
}
// @ts-expect-error: a typed client refuses a body without its required field
export const wrong = () => client.textEmbedding('x', {});
`,
  );
  writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ['typed.ts'] }));
  await expect(run(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: project })).resolves.toBeDefined();
}, 180_000);
