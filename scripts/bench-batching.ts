/**
 * npm run bench:batching — cross-request batching of embeddings (kit/coalescer.ts), on against off.
 *
 * Three processes on loopback: the OpenAI mock (answers after BENCH_UPSTREAM_LATENCY_MS, counts what it receives:
 * scripts/bench/counting-mock.ts) and two infergates (built, `node dist/server/main.js`), one with coalescing (the
 * default) and one with INFERGATE_COALESCE_EMBEDDINGS=false. Interleaved rounds send BENCH_REQUESTS single-input
 * embedding requests (each its own text) from 64 concurrent clients to each, and measure upstream requests per 1,000
 * requests, throughput, p50 and p99 latency and infergate's CPU per request; medians over the rounds, and the ratios.
 * Options: BENCH_ROUNDS (3), BENCH_REQUESTS (3000), BENCH_UPSTREAM_LATENCY_MS (20), BENCH_BUILD=0 to skip the build.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { closedPort } from '../test/support/ports';
import { ROOT, startProcess, type Process } from './bench/processes';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const LATENCY_MS = Number(process.env.BENCH_UPSTREAM_LATENCY_MS ?? 20);
const CLIENTS = 64;
const KEY = 'sk-test-valid-key-0123456789abcdef';

type Who = 'on' | 'off';
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

async function upstreamCounts(statsUrl: string): Promise<{ requests: number; inputs: number }> {
  return (await fetch(statsUrl)).json() as Promise<{ requests: number; inputs: number }>;
}

async function createEndpoint(url: string): Promise<void> {
  const response = await fetch(`${url}/_inference/text_embedding/bench`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ service: 'openai', service_settings: { api_key: KEY, model_id: 'text-embedding-3-small', rate_limit: { requests_per_minute: 1_000_000_000 } } }),
  });
  if (response.status !== 200) throw new Error(`PUT: ${await response.text()}`);
}

/** REQUESTS single-input requests from CLIENTS clients; each answer must hold exactly one vector. */
async function load(proxy: Process, pool: Pool, round: number) {
  let next = 0;
  const latencies: number[] = [];
  const cpuBefore = proxy.cpuSeconds();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < REQUESTS) {
        const body = JSON.stringify({ input: `round ${round} request ${next++}: the sky above the port was the color of television` });
        const sent = performance.now();
        const response = await pool.request({ method: 'POST', path: '/_inference/text_embedding/bench', headers: { 'content-type': 'application/json' }, body });
        const answer = (await response.body.json()) as { text_embedding?: unknown[] };
        if (response.statusCode !== 200 || answer.text_embedding?.length !== 1) throw new Error(`answered ${response.statusCode}: ${JSON.stringify(answer).slice(0, 200)}`);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: REQUESTS / seconds, p50: median(latencies), p99: percentile(latencies, 0.99), cpuMs: ((proxy.cpuSeconds() - cpuBefore) * 1000) / REQUESTS };
}

async function main(): Promise<void> {
  if (process.env.BENCH_BUILD !== '0') execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const dataDirs = [mkdtempSync(path.join(tmpdir(), 'infergate-bench-')), mkdtempSync(path.join(tmpdir(), 'infergate-bench-'))];
  const statsPort = await closedPort();
  const statsUrl = `http://127.0.0.1:${statsPort}/`;
  const mock = await startProcess('node', ['--import', 'tsx', 'scripts/bench/counting-mock.ts'], 'MOCK_OPENAI_PORT', {
    STATS_PORT: String(statsPort),
    MOCK_LATENCY_MS: String(LATENCY_MS),
  });
  const infergate = (dataDir: string, coalesce: boolean) =>
    startProcess('node', ['dist/server/main.js'], 'PORT', {
      INFERGATE_DATA_DIR: dataDir,
      INFERGATE_LOG_LEVEL: 'warn',
      INFERGATE_UPSTREAM_ORIGINS: `openai=${mock.url}`,
      INFERGATE_SKIP_VALIDATION: 'true',
      INFERGATE_COALESCE_EMBEDDINGS: String(coalesce),
    });
  const proxies: Record<Who, Process> = { on: await infergate(dataDirs[0], true), off: await infergate(dataDirs[1], false) };
  const pools: Record<Who, Pool> = { on: new Pool(proxies.on.url, { connections: CLIENTS }), off: new Pool(proxies.off.url, { connections: CLIENTS }) };
  const rows: Record<string, Record<Who, number[]>> = {};
  const record = (name: string, who: Who, value: number) => ((rows[name] ??= { on: [], off: [] })[who].push(value));
  try {
    for (const who of ['on', 'off'] as const) await createEndpoint(proxies[who].url);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const who of round % 2 === 1 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        await upstreamCounts(statsUrl);
        const measured = await load(proxies[who], pools[who], round);
        const upstream = await upstreamCounts(statsUrl);
        if (upstream.inputs !== REQUESTS) throw new Error(`${who}: the mock received ${upstream.inputs} inputs for ${REQUESTS} requests`);
        record('upstream requests per 1,000 requests', who, (upstream.requests * 1000) / REQUESTS);
        record(`throughput at ${CLIENTS} clients (req/s)`, who, measured.perSecond);
        record('p50 latency (ms)', who, measured.p50);
        record('p99 latency (ms)', who, measured.p99);
        record('infergate CPU per request (ms)', who, measured.cpuMs);
      }
    }
    console.log(`bench:batching — ${ROUNDS} interleaved rounds of ${REQUESTS} single-input requests from ${CLIENTS} concurrent clients;`);
    console.log(`upstream round trip ${LATENCY_MS} ms (mock); Node ${process.version}; medians over the rounds`);
    console.log(`${'measure'.padEnd(40)} ${'off'.padStart(10)} ${'on'.padStart(10)} ${'on/off'.padStart(8)}`);
    for (const [name, values] of Object.entries(rows)) {
      const off = median(values.off);
      const on = median(values.on);
      console.log(`${name.padEnd(40)} ${off.toFixed(2).padStart(10)} ${on.toFixed(2).padStart(10)} ${(on / off).toFixed(3).padStart(7)}×`);
    }
  } finally {
    await Promise.all(Object.values(pools).map((pool) => pool.close()));
    await Promise.all([proxies.on.stop(), proxies.off.stop(), mock.stop()]);
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
