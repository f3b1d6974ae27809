/** Load generation for bench:local: the sentences, timed loops of concurrent clients, and the HTTP peers. */
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import type { Process } from './processes';

const WORDS = (
  'the search engine ranks documents by relevance to a query and users read the first results carefully while ' +
  'vectors capture meaning beyond exact words so similar questions find similar answers in large collections of ' +
  'text about science history sport music travel cooking weather markets health software languages and cities'
).split(' ');

/** Deterministic sentences of 8 to 24 words. */
export function sentences(count: number): string[] {
  let seed = 42;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: count }, () => {
    const length = 8 + Math.floor(next() * 17);
    return Array.from({ length }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ') + '.';
  });
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

export interface Figures {
  inputsPerSecond: number;
  p50: number;
  /** CPU milliseconds per input of the process doing the work (NaN when not measured). */
  cpuMsPerInput: number;
}

/** Runs `work` from `clients` concurrent loops for `seconds`; each call returns how many inputs it processed. */
export async function drive(clients: number, seconds: number, work: (client: number, round: number) => Promise<number>, cpuSeconds?: () => number): Promise<Figures> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const cpuBefore = cpuSeconds?.() ?? NaN;
  let inputs = 0;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let round = 0; performance.now() < deadline; round++) {
        const begin = performance.now();
        const done = await work(client, round);
        latencies.push(performance.now() - begin);
        inputs += done;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpuMsPerInput = cpuSeconds ? ((cpuSeconds() - cpuBefore) * 1000) / inputs : NaN;
  return { inputsPerSecond: inputs / elapsed, p50: median(latencies), cpuMsPerInput };
}

/** A server that embeds `{"input": [...]}` posted to `path`. */
export class HttpPeer {
  private readonly pool: Pool;

  constructor(readonly name: string, readonly server: Process, private readonly path: string, connections: number) {
    this.pool = new Pool(server.url, { connections });
  }

  async embed(texts: string[]): Promise<number> {
    const response = await this.pool.request({ method: 'POST', path: this.path, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: texts }) });
    const body = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`${this.name} answered ${response.statusCode}: ${body.slice(0, 300)}`);
    return texts.length;
  }

  /** Resident memory of the server process (bytes). */
  rssBytes(): number {
    const line = readFileSync(`/proc/${this.server.child.pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'));
    return Number(line?.split(/\s+/)[1] ?? NaN) * 1024;
  }

  async close(): Promise<void> {
    await this.pool.close();
    await this.server.stop();
  }
}
