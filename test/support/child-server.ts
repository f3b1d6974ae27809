/** infergate as a child process, for tests that kill it or run the built package: `node --import tsx server/main.ts`
 * (not the tsx wrapper, so that a signal reaches the server itself), settings from the environment, the port read
 * from its "infergate listening" log line. Its output is kept for failure messages. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.join(__dirname, '../..');
const KEPT_LINES = 200;

/** Every child not yet exited, started or still starting, for `killSpawnedServers`. */
const running = new Set<ChildProcess>();

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildServer {
  url: string;
  pid: number;
  /** Resolves once the process has exited (never rejects). */
  exited: Promise<ChildExit>;
  /** The last lines of its stdout and stderr. */
  output(): string;
  /** Sends `signal` (if it still runs) and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<ChildExit>;
}

/** The test process's environment without infergate's settings, then `env`. */
function childEnvironment(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('INFERGATE_') && name !== 'PORT' && name !== 'HOST'),
  );
  return { ...base, PORT: '0', HOST: '127.0.0.1', ...env };
}

/** The sources through tsx; `nodeArgs` runs another entry instead (the built CLI: `[cli.js, 'serve']`). */
const FROM_SOURCES = ['--import', 'tsx', path.join(ROOT, 'server/main.ts')];

export function spawnServer(env: Record<string, string>, startTimeoutMs = 30_000, nodeArgs = FROM_SOURCES, cwd = ROOT): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, nodeArgs, {
    cwd,
    env: childEnvironment(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const lines: string[] = [];
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > KEPT_LINES) lines.shift();
  };
  const exited = new Promise<ChildExit>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const output = () => lines.join('\n');
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  createInterface({ input: child.stderr! }).on('line', (line) => keep(`[stderr] ${line}`));

  return new Promise<ChildServer>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void kill('SIGKILL').then(() => reject(new Error(`${why}\n${output()}`)));
    };
    const timer = setTimeout(() => fail(`infergate did not start within ${startTimeoutMs} ms`), startTimeoutMs);
    void exited.then(({ code, signal }) => fail(`infergate exited (code ${code}, signal ${signal}) before listening`));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      keep(line);
      let entry: { msg?: string; port?: number } | undefined;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry?.msg !== 'infergate listening' || typeof entry.port !== 'number') return;
      clearTimeout(timer);
      resolve({ url: `http://127.0.0.1:${entry.port}`, pid: child.pid!, exited, output, kill });
    });
  });
}

/** SIGKILLs every child this module started that still runs (one still starting included), and waits for them. */
export async function killSpawnedServers(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
