/**
 * npm run bench:streams — what 200 concurrent slow streams cost in memory, against a floor measured in the same run.
 *
 * A provider in this process streams OpenAI chat chunks (1 MiB a stream) as fast as it may
 * (test/support/mock-provider/openai-flood.ts) to two proxies, each its own process: infergate (built,
 * `node dist/server/main.js`) and the floor (a bare node:http + undici proxy doing the same translation and waiting
 * for 'drain', scripts/bench/floor-proxy.ts). STREAMS clients each read READ_BYTES every READ_PAUSE_MS, far slower
 * than the provider writes, so that every stream is held up by its client. Once they all stream, the proxy's RSS
 * (/proc) and V8 heap (infergate's /metrics, the floor's /_memory) are sampled, each after a full collection (a
 * preloaded SIGUSR2 handler, scripts/bench/gc-on-signal.cjs); what they grew by over the idle
 * process, per stream, is printed for both with the ratio. A proxy that buffered what its client has not taken would
 * grow by up to the whole stream. Rounds alternate the order of the two; the figures are medians over the rounds.
 * Options: BENCH_ROUNDS (3), BENCH_STREAMS (200), BENCH_READ_BYTES (4096), BENCH_READ_PAUSE_MS (200),
 * BENCH_HOLD_MS (3000), BENCH_BUILD=0 to skip `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FloodProvider } from '../test/support/mock-provider/openai-flood';
import { ROOT, startProcess, type Process } from './bench/processes';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 200);
const READ_BYTES = Number(process.env.BENCH_READ_BYTES ?? 4096);
const READ_PAUSE_MS = Number(process.env.BENCH_READ_PAUSE_MS ?? 200);
const HOLD_MS = Number(process.env.BENCH_HOLD_MS ?? 3000);
const SAMPLES = 5;
const KEY = 'sk-test-valid-key-0123456789abcdef';
const STREAM_PATH = '/_inference/chat_completion/bench-chat/_stream';
const MiB = 2 ** 20;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Memory {
  rss: number;
  heap: number;
}

type Proxy = Process & { heapUsed(): Promise<number> };

const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

async function infergateHeap(url: string): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(metrics)![1]);
}

async function floorHeap(url: string): Promise<number> {
  return ((await (await fetch(`${url}/_memory`)).json()) as { heapUsed: number }).heapUsed;
}

/** Medians of a few samples a little apart, each after a full collection (scripts/bench/gc-on-signal.cjs). */
async function memoryOf(proxy: Proxy): Promise<Memory> {
  const rss: number[] = [];
  const heap: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    proxy.child.kill('SIGUSR2');
    await sleep(100);
    rss.push(rssOf(proxy.child.pid!));
    heap.push(await proxy.heapUsed());
    await sleep(200);
  }
  return { rss: median(rss), heap: median(heap) };
}

/** A client that reads READ_BYTES every READ_PAUSE_MS (what it does not read stays in its socket). */
function slowStream(url: string): { request: ClientRequest; received: () => number } {
  let received = 0;
  let timer: NodeJS.Timeout | undefined;
  const body = JSON.stringify({ messages: [{ role: 'user', content: 'Tell me everything' }] });
  const client = request(`${url}${STREAM_PATH}`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (response) => {
    timer = setInterval(() => {
      const chunk = (response.read(READ_BYTES) ?? response.read()) as Buffer | null;
      if (chunk) received += chunk.length;
    }, READ_PAUSE_MS);
    response.on('error', () => undefined);
  });
  client.on('error', () => undefined);
  client.on('close', () => clearInterval(timer));
  client.end(body);
  return { request: client, received: () => received };
}

interface Round {
  rssPerStream: number;
  heapPerStream: number;
  receivedPerStream: number;
}

async function measure(proxy: Proxy, provider: FloodProvider): Promise<Round> {
  const idle = await memoryOf(proxy);
  const first = provider.streams.length;
  const clients = Array.from({ length: STREAMS }, () => slowStream(proxy.url));
  // On a loaded machine the streams reach the provider slowly: give up only when none has for a while.
  let reached = 0;
  let progressAt = Date.now();
  while (reached < STREAMS) {
    if (provider.streams.length - first > reached) [reached, progressAt] = [provider.streams.length - first, Date.now()];
    if (Date.now() - progressAt > 30_000) throw new Error(`only ${reached} of ${STREAMS} streams reached the provider through ${proxy.url}`);
    await sleep(50);
  }
  await sleep(HOLD_MS);
  const busy = await memoryOf(proxy);
  const streams = provider.streams.slice(first);
  const received = clients.map((client) => client.received());
  if (received.some((bytes) => bytes === 0 || bytes >= provider.streamBytes)) throw new Error('a client read nothing, or its whole stream, while measured');
  for (const client of clients) client.request.destroy();
  // Settled: every provider stream cut off by its proxy.
  while (streams.some((stream) => !stream.cutOff && !stream.endedCleanly)) await sleep(50);
  await sleep(500);
  return {
    rssPerStream: (busy.rss - idle.rss) / STREAMS,
    heapPerStream: (busy.heap - idle.heap) / STREAMS,
    receivedPerStream: received.reduce((sum, bytes) => sum + bytes, 0) / STREAMS,
  };
}

async function createEndpoint(url: string): Promise<void> {
  const response = await fetch(`${url}/_inference/chat_completion/bench-chat`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ service: 'openai', service_settings: { api_key: KEY, model_id: 'gpt-4o-mini', rate_limit: { requests_per_minute: 1_000_000_000 } } }),
  });
  if (response.status !== 200) throw new Error(`PUT: ${await response.text()}`);
}

async function main(): Promise<void> {
  if (process.env.BENCH_BUILD !== '0') execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  // Far more than a client reads while measured.
  const provider = await new FloodProvider({ frames: 256, pieceBytes: 4000 }).listen();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'infergate-bench-streams-'));
  const connections = String(STREAMS + 16);
  const collectable = ['--expose-gc', '--require', './scripts/bench/gc-on-signal.cjs'];
  const infergateProcess = await startProcess('node', [...collectable, 'dist/server/main.js'], 'PORT', {
    INFERGATE_DATA_DIR: dataDir,
    INFERGATE_MODELS_DIR: path.join(dataDir, 'no-models'),
    INFERGATE_LOG_LEVEL: 'warn',
    INFERGATE_UPSTREAM_ORIGINS: `openai=${provider.url}`,
    INFERGATE_UPSTREAM_CONNECTIONS: connections,
    INFERGATE_SKIP_VALIDATION: 'true',
  });
  const floorProcess = await startProcess('node', [...collectable, '--import', 'tsx', 'scripts/bench/floor-proxy.ts'], 'FLOOR_PORT', {
    UPSTREAM: provider.url,
    UPSTREAM_KEY: KEY,
    FLOOR_CONNECTIONS: connections,
  });
  const proxies: Record<'floor' | 'infergate', Proxy> = {
    infergate: { ...infergateProcess, heapUsed: () => infergateHeap(infergateProcess.url) },
    floor: { ...floorProcess, heapUsed: () => floorHeap(floorProcess.url) },
  };
  const rows: Record<keyof Round, Record<'floor' | 'infergate', number[]>> = {
    rssPerStream: { floor: [], infergate: [] },
    heapPerStream: { floor: [], infergate: [] },
    receivedPerStream: { floor: [], infergate: [] },
  };
  try {
    await createEndpoint(infergateProcess.url);
    // A warm-up stream each, so that the idle figure is of a process that has served a stream.
    for (const proxy of Object.values(proxies)) await measureWarmUp(proxy, provider);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const who of round % 2 === 1 ? (['floor', 'infergate'] as const) : (['infergate', 'floor'] as const)) {
        const result = await measure(proxies[who], provider);
        for (const name of Object.keys(rows) as Array<keyof Round>) rows[name][who].push(result[name]);
      }
    }
    console.log(
      `bench:streams — ${ROUNDS} interleaved rounds of ${STREAMS} concurrent slow streams of ${(provider.streamBytes / MiB).toFixed(1)} MiB ` +
        `(${READ_BYTES} bytes read every ${READ_PAUSE_MS} ms, measured after ${HOLD_MS} ms); Node ${process.version}`,
    );
    console.log(`${'per stream (KiB)'.padEnd(52)} ${'floor'.padStart(10)} ${'infergate'.padStart(10)} ${'ratio'.padStart(7)}`);
    const names: Record<keyof Round, string> = {
      rssPerStream: 'proxy RSS growth',
      heapPerStream: 'proxy V8 heap growth (live, after a full GC)',
      receivedPerStream: 'read by the client so far (the streams flow)',
    };
    for (const name of Object.keys(rows) as Array<keyof Round>) {
      const floorValue = median(rows[name].floor) / 1024;
      const ours = median(rows[name].infergate) / 1024;
      console.log(`${names[name].padEnd(52)} ${floorValue.toFixed(1).padStart(10)} ${ours.toFixed(1).padStart(10)} ${(ours / floorValue).toFixed(2).padStart(6)}×`);
    }
    const total = (who: 'floor' | 'infergate') => ((median(rows.rssPerStream[who]) * STREAMS) / MiB).toFixed(1);
    console.log(`RSS growth for all ${STREAMS} streams: floor ${total('floor')} MiB, infergate ${total('infergate')} MiB`);
  } finally {
    await Promise.all([proxies.infergate.stop(), proxies.floor.stop()]);
    await provider.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One short slow stream, cut off once it reached the provider. */
async function measureWarmUp(proxy: Proxy, provider: FloodProvider): Promise<void> {
  const first = provider.streams.length;
  const client = slowStream(proxy.url);
  while (provider.streams.length === first) await sleep(20);
  await sleep(200);
  client.request.destroy();
  await sleep(300);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
