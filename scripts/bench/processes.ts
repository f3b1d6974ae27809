/** The processes bench:proxy measures: each on its own free loopback port, started and stopped here, with the CPU
 * time the kernel has charged to it (/proc/<pid>/stat), so that a figure is the server's own work. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { closedPort as freePort } from '../../test/support/ports';
import path from 'node:path';

export const ROOT = path.join(__dirname, '../..');
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;


export interface Process {
  url: string;
  child: ChildProcess;
  /** CPU seconds (user + system) the process has used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Starts `command` with `env` (PORT given as `portVariable`) and resolves once its port answers. */
export async function startProcess(command: string, args: string[], portVariable: string, env: Record<string, string>): Promise<Process> {
  const port = await freePort();
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env, [portVariable]: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    try {
      await fetch(url + '/');
      break;
    } catch {
      if (attempt > 600) throw new Error(`${args.join(' ')} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    child,
    cpuSeconds() {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
