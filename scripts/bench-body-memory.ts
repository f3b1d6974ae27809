/**
 * Peak RSS of a server process receiving large JSON bodies: one 60 MB body, then four concurrent 50 MB bodies, each
 * against a fresh server. `npx tsx scripts/bench-body-memory.ts [checkout-dir]` (default: this checkout).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const MB = 1024 * 1024;
const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));

/** A body of `size` bytes: inputs of 1 KB strings, as a big embedding request would look. */
function body(size: number): Buffer {
  const item = `"${'x'.repeat(1022)}"`;
  const count = Math.floor((size - 20) / (item.length + 1));
  return Buffer.from(`{"input":[${Array.from({ length: count }, () => item).join(',')}]}`);
}

const statusKb = (pid: number, field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

async function startServer(port: number): Promise<{ child: ChildProcess; dataDir: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'infergate-bench-'));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/main.ts')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), INFERGATE_DATA_DIR: dataDir, INFERGATE_LOG_LEVEL: 'silent' },
    stdio: 'inherit',
  });
  for (let i = 0; i < 200; i++) {
    if (await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false)) return { child, dataDir };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('server did not start');
}

async function scenario(name: string, bodies: Buffer[], port: number): Promise<void> {
  const { child, dataDir } = await startServer(port);
  const pid = child.pid!;
  const idle = statusKb(pid, 'VmRSS');
  const statuses = await Promise.all(
    bodies.map((payload) =>
      fetch(`http://127.0.0.1:${port}/_inference/text_embedding/no-such-endpoint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload }).then(
        async (response) => `${response.status} ${((await response.json()) as { error?: { type?: string } }).error?.type ?? ''}`,
      ),
    ),
  );
  const peak = statusKb(pid, 'VmHWM');
  console.log(`${name}: idle ${Math.round(idle / 1024)} MB, peak ${Math.round(peak / 1024)} MB (+${Math.round((peak - idle) / 1024)} MB)  [${statuses.join(', ')}]`);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  console.log(`server from ${root}`);
  await scenario('one 60 MB body', [body(60 * MB)], 19301);
  const fifty = body(50 * MB);
  await scenario('four concurrent 50 MB bodies', [fifty, fifty, fifty, fifty], 19302);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
