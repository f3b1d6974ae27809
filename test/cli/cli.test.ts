/**
 * The `infergate` command from sources (server/cli/main.ts through tsx; test/packaging runs the built bin):
 * --help and --version, a usage mistake answered with the usage on stderr and exit status 2, `models list`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');
// Each case starts tsx and compiles the CLI: seconds on a loaded machine.
const SPAWN_TIMEOUT_MS = 90_000;
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function infergate(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(TSX, ['server/cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

test.each(['--help', '-h'])('%s prints the commands on stdout', async (flag) => {
  const { code, stdout, stderr } = await infergate([flag]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toMatch(/^usage: infergate <command>/);
  for (const command of ['serve', 'models pull <repo id | built-in id>', 'models list', '--version']) expect(stdout).toContain(command);
}, SPAWN_TIMEOUT_MS);

test('--version prints package.json\'s version', async () => {
  const { code, stdout } = await infergate(['--version']);
  expect(code).toBe(0);
  expect(stdout.trim()).toBe((require('../../package.json') as { version: string }).version);
}, SPAWN_TIMEOUT_MS);

test.each([
  [['frobnicate'], 'unknown command [frobnicate]'],
  [[], 'usage: infergate <command>'],
  [['serve', '--port', '1'], 'serve takes no arguments'],
  [['models'], 'usage: models pull'],
  [['models', 'fetch'], 'unknown models command [fetch]'],
  [['models', 'pull'], 'usage: models pull'],
  [['models', 'pull', 'a/b', '--name'], '--name needs a value'],
  [['models', 'pull', '.no-such-builtin'], 'no recommended model for [.no-such-builtin]'],
])('%j is a usage mistake: status 2, the reason on stderr, nothing on stdout', async (args, reason) => {
  const { code, stdout, stderr } = await infergate(args);
  expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
  expect(stderr).toContain(reason);
  expect(stderr).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
}, SPAWN_TIMEOUT_MS);

test('models list reads the models directory and points at `infergate models pull`', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'infergate-cli-'));
  try {
    const { code, stdout } = await infergate(['models', 'list'], { INFERGATE_MODELS_DIR: dir });
    expect(code).toBe(0);
    expect(stdout).toContain(`${dir}: (no models)`);
    expect(stdout).toContain('.multilingual-e5-small → multilingual-e5-small: not installed (infergate models pull .multilingual-e5-small)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, SPAWN_TIMEOUT_MS);
