/**
 * npm run bench:proxy — what the gateway costs per request, against a floor measured in the same run.
 *
 * Three processes on loopback: the OpenAI mock, infergate (built, `node dist/server/main.js`, as deployed) and the
 * floor — a bare node:http + undici proxy doing the same translation (scripts/bench/floor-proxy.ts). Interleaved
 * rounds measure, for each proxy: CPU per embeddings request (the kernel's count for the proxy process), added p50
 * latency at concurrency 1 (over the mock's own), throughput at 32 concurrent clients, and for a streamed chat the
 * time to first byte and CPU per stream. Prints medians over the rounds and the ratios with the targets.
 * Options: BENCH_ROUNDS (3), BENCH_REQUESTS (1500), BENCH_STREAMS (300), BENCH_BUILD=0 to skip `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { ROOT, startProcess, type Process } from './bench/processes';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1500);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 300);
const CLIENTS = 32;
const KEY = 'sk-test-valid-key-0123456789abcdef';
const EMBED = { input: ['The sky above the port was the color of television tuned to a dead channel.'] };
const CHAT = { messages: [{ role: 'user', content: 'Say hello' }] };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function post(pool: Pool, pathName: string, body: unknown, headers: Record<string, string> = {}): Promise<void> {
  const response = await pool.request({ method: 'POST', path: pathName, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  await response.body.arrayBuffer();
  if (response.statusCode !== 200) throw new Error(`${pathName} answered ${response.statusCode}`);
}

/** p50 of sequential requests (ms). */
async function sequentialP50(pool: Pool, pathName: string, body: unknown, headers?: Record<string, string>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    await post(pool, pathName, body, headers);
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/** Requests a second with CLIENTS concurrent clients, and the proxy's CPU per request (ms). */
async function concurrent(proxy: Process, pool: Pool, pathName: string): Promise<{ perSecond: number; cpuMs: number }> {
  let next = 0;
  const cpuBefore = proxy.cpuSeconds();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next++ < REQUESTS * 2) await post(pool, pathName, EMBED);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: (REQUESTS * 2) / seconds, cpuMs: ((proxy.cpuSeconds() - cpuBefore) * 1000) / (REQUESTS * 2) };
}

/** Time to the first byte of a streamed chat (ms, p50) and the proxy's CPU per stream (ms). */
async function streams(proxy: Process, pool: Pool, pathName: string): Promise<{ ttfb: number; cpuMs: number }> {
  const firsts: number[] = [];
  const cpuBefore = proxy.cpuSeconds();
  for (let i = 0; i < STREAMS; i++) {
    const started = performance.now();
    const response = await pool.request({ method: 'POST', path: pathName, headers: { 'content-type': 'application/json' }, body: JSON.stringify(CHAT) });
    let first = true;
    for await (const _chunk of response.body) {
      if (first) firsts.push(performance.now() - started);
      first = false;
    }
  }
  return { ttfb: median(firsts), cpuMs: ((proxy.cpuSeconds() - cpuBefore) * 1000) / STREAMS };
}

async function createEndpoints(url: string, mockUrl: string): Promise<void> {
  for (const [taskType, id, model] of [['text_embedding', 'bench', 'text-embedding-3-small'], ['chat_completion', 'bench-chat', 'gpt-4o-mini']]) {
    const response = await fetch(`${url}/_inference/${taskType}/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'openai', service_settings: { api_key: KEY, model_id: model, rate_limit: { requests_per_minute: 1_000_000_000 } } }),
    });
    if (response.status !== 200) throw new Error(`PUT ${taskType}: ${await response.text()} (mock at ${mockUrl})`);
  }
}

async function main(): Promise<void> {
  if (process.env.BENCH_BUILD !== '0') execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'infergate-bench-'));
  const mock = await startProcess('node', ['--import', 'tsx', 'scripts/mock-openai.ts'], 'MOCK_OPENAI_PORT', {});
  const infergate = await startProcess('node', ['dist/server/main.js'], 'PORT', {
    INFERGATE_DATA_DIR: dataDir,
    INFERGATE_LOG_LEVEL: 'warn',
    INFERGATE_UPSTREAM_ORIGINS: `openai=${mock.url}`,
    INFERGATE_SKIP_VALIDATION: 'true',
  });
  const floor = await startProcess('node', ['--import', 'tsx', 'scripts/bench/floor-proxy.ts'], 'FLOOR_PORT', { UPSTREAM: mock.url, UPSTREAM_KEY: KEY });
  const pools = { mock: new Pool(mock.url, { connections: CLIENTS }), infergate: new Pool(infergate.url, { connections: CLIENTS }), floor: new Pool(floor.url, { connections: CLIENTS }) };
  const rows: Record<string, Record<'floor' | 'infergate', number[]>> = {};
  const record = (name: string, who: 'floor' | 'infergate', value: number) => ((rows[name] ??= { floor: [], infergate: [] })[who].push(value));
  try {
    await createEndpoints(infergate.url, mock.url);
    const direct = (await sequentialP50(pools.mock, '/v1/embeddings', { ...EMBED, model: 'text-embedding-3-small' }, { authorization: `Bearer ${KEY}` }));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const who of round % 2 === 1 ? (['floor', 'infergate'] as const) : (['infergate', 'floor'] as const)) {
        const proxy = who === 'floor' ? floor : infergate;
        const pool = pools[who];
        const load = await concurrent(proxy, pool, '/_inference/text_embedding/bench');
        record('CPU per embeddings request (ms)', who, load.cpuMs);
        record(`throughput at ${CLIENTS} clients (req/s)`, who, load.perSecond);
        record('added p50 at concurrency 1 (ms)', who, (await sequentialP50(pool, '/_inference/text_embedding/bench', EMBED)) - direct);
        const streamed = await streams(proxy, pool, '/_inference/chat_completion/bench-chat/_stream');
        record('streamed chat: time to first byte (ms)', who, streamed.ttfb);
        record('streamed chat: CPU per stream (ms)', who, streamed.cpuMs);
      }
    }
    console.log(`bench:proxy — ${ROUNDS} interleaved rounds, ${REQUESTS * 2} requests under load, ${REQUESTS} sequential, ${STREAMS} streams; Node ${process.version}`);
    console.log(`mock p50 direct: ${direct.toFixed(3)} ms`);
    console.log(`${'measure'.padEnd(42)} ${'floor'.padStart(10)} ${'infergate'.padStart(10)} ${'ratio'.padStart(7)}`);
    for (const [name, values] of Object.entries(rows)) {
      const floorValue = median(values.floor);
      const ours = median(values.infergate);
      console.log(`${name.padEnd(42)} ${floorValue.toFixed(3).padStart(10)} ${ours.toFixed(3).padStart(10)} ${(ours / floorValue).toFixed(2).padStart(6)}×`);
    }
    console.log('targets (issue 12): CPU per request ≤ 1.5× the floor; added p50 ≤ 0.5 ms; stream TTFB added ≤ 0.5 ms; CPU per stream ≤ 2× the floor');
  } finally {
    await Promise.all(Object.values(pools).map((pool) => pool.close()));
    await Promise.all([infergate.stop(), floor.stop(), mock.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
