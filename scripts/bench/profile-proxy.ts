/**
 * `tsx scripts/bench/profile-proxy.ts` — where infergate's CPU goes on proxied embeddings requests: runs the built
 * server (`npm run build` first) under `node --cpu-prof` beside the OpenAI mock, drives PROFILE_REQUESTS (6000)
 * embeddings requests from 32 concurrent clients (after 1000 unmeasured ones), stops it, and prints the profile's self time by layer (node's HTTP
 * and sockets, undici, express, the validator, ajv, zod, SQLite, GC, infergate's own modules) and the top functions.
 * PROFILE_TARGET=floor profiles the floor proxy of bench:proxy instead. PROFILE_KEEP=1 keeps the .cpuprofile (its path is printed) for a flame view.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { startProcess } from './processes';

const REQUESTS = Number(process.env.PROFILE_REQUESTS ?? 6000);
const WARM_UP = 1000;
/** PROFILE_TARGET=floor profiles bench:proxy's floor proxy instead, for the same layers of a bare proxy. */
const FLOOR = process.env.PROFILE_TARGET === 'floor';
const CLIENTS = 32;
const KEY = 'sk-test-valid-key-0123456789abcdef';
const EMBED = JSON.stringify({ input: ['The sky above the port was the color of television tuned to a dead channel.'] });

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The layer a function belongs to, from its script's URL (first match wins). */
const LAYERS: [string, RegExp][] = [
  ['express-openapi-validator + path-to-regexp', /express-openapi-validator|path-to-regexp/],
  ['ajv', /node_modules\/ajv/],
  ['zod', /node_modules\/zod/],
  ['undici', /node_modules\/undici|node:internal\/deps\/undici/],
  ['express + router', /node_modules\/(express|router|finalhandler|send|on-finished|content-type|qs|parseurl|depd|mime|accepts|type-is|negotiator|statuses)/],
  ['SQLite store', /better-sqlite3|dist\/server\/store/],
  ['pino + prom-client', /node_modules\/(pino|prom-client|sonic-boom|fast-redact|thread-stream)/],
  ['node http + net + streams', /node:(_http|http|net|internal\/(http|stream|streams|net|js_stream|timers|url|buffer|event_target|abort))|node:(stream|events|buffer|timers|url)/],
  ['infergate: http/observability', /dist\/server\/(http|observability)\//],
  ['infergate: api', /dist\/server\/api\//],
  ['infergate: providers + inference', /dist\/server\/(providers|inference)\//],
  ['infergate: other', /dist\/server\//],
  ['node internals (other)', /^node:/],
];

function layerOf(frame: ProfileNode['callFrame']): string {
  if (frame.url === '') return frame.functionName.startsWith('(') ? frame.functionName : `native ${frame.functionName || '(anonymous)'}`;
  return LAYERS.find(([, pattern]) => pattern.test(frame.url))?.[0] ?? `other: ${frame.url.replace(/.*node_modules\//, '').split('/')[0]}`;
}

/** Self time of the samples taken from `fromMicros` on (V8's clock and process.hrtime are both CLOCK_MONOTONIC). */
function summarise(profile: Profile, fromMicros: number): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i];
    if (at >= fromMicros) selfMs.set(id, (selfMs.get(id) ?? 0) + profile.timeDeltas[i] / 1000);
  });
  const layers = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    busy += ms;
    const layer = layerOf(frame);
    layers.set(layer, (layers.get(layer) ?? 0) + ms);
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/.*\/(node_modules|dist)\//, '')}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
  }
  const print = (rows: Map<string, number>, count: number) => {
    for (const [name, ms] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, count)) {
      console.log(`${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${((ms * 1000) / REQUESTS).toFixed(1).padStart(6)} µs/req  ${name}`);
    }
  };
  console.log(`busy ${(busy / 1000).toFixed(2)} s over ${REQUESTS} requests: ${((busy * 1000) / REQUESTS).toFixed(0)} µs/request (profiler overhead included)`);
  console.log('\nself time by layer:');
  print(layers, 30);
  console.log('\ntop functions (self time):');
  print(functions, 25);
}

async function load(pool: Pool, requests: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next++ < requests) {
        const response = await pool.request({ method: 'POST', path: '/_inference/text_embedding/bench', headers: { 'content-type': 'application/json' }, body: EMBED });
        await response.body.arrayBuffer();
        if (response.statusCode !== 200) throw new Error(`answered ${response.statusCode}`);
      }
    }),
  );
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'infergate-profile-'));
  const profileDir = mkdtempSync(path.join(tmpdir(), 'infergate-cpuprof-'));
  const mock = await startProcess('node', ['--import', 'tsx', 'scripts/mock-openai.ts'], 'MOCK_OPENAI_PORT', {});
  const profiling = ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const server = FLOOR
    ? await startProcess('node', [...profiling, '--import', 'tsx', 'scripts/bench/floor-proxy.ts'], 'FLOOR_PORT', { UPSTREAM: mock.url, UPSTREAM_KEY: KEY })
    : await startProcess('node', [...profiling, 'dist/server/main.js'], 'PORT', {
        INFERGATE_DATA_DIR: dataDir,
        INFERGATE_LOG_LEVEL: 'warn',
        INFERGATE_UPSTREAM_ORIGINS: `openai=${mock.url}`,
        INFERGATE_SKIP_VALIDATION: 'true',
      });
  const pool = new Pool(server.url, { connections: CLIENTS });
  let measuredFrom = 0;
  try {
    const put = FLOOR ? { status: 200, text: async () => '' } : await fetch(`${server.url}/_inference/text_embedding/bench`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service: 'openai', service_settings: { api_key: KEY, model_id: 'text-embedding-3-small', rate_limit: { requests_per_minute: 1e9 } } }),
    });
    if (put.status !== 200) throw new Error(`PUT: ${await put.text()}`);
    await load(pool, WARM_UP);
    measuredFrom = Number(process.hrtime.bigint() / 1000n);
    await load(pool, REQUESTS);
  } finally {
    await pool.close();
    await Promise.all([server.stop(), mock.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
  const file = path.join(profileDir, readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'))!);
  summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, measuredFrom);
  if (process.env.PROFILE_KEEP === '1') console.log(`\nprofile: ${file}`);
  else rmSync(profileDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
