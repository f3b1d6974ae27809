/**
 * npm run bench:local [model-directory] — throughput and latency of the local engine through HTTP, against the
 * ceiling of the same model driven in-process.
 *
 * 1. ceiling: tokenise + run + pool in a tight loop in this process (no HTTP, no queue), batches of BENCH_BATCH_SIZE,
 *    one session with as many threads as the deployment has in all (allocations x threads);
 * 2. HTTP, BENCH_CLIENTS concurrent clients each sending one sentence per request (the server batches them);
 * 3. HTTP, 2 clients each sending BENCH_LARGE_BATCH sentences per request.
 * Prints tokens/s and latency percentiles of each and the ratio of each HTTP figure to the ceiling. The server
 * runs as a child process (`tsx server/main.ts`) so that the load generator does not share its event loop.
 * Options (environment): BENCH_SECONDS (per scenario, default 10), BENCH_CLIENTS (32), BENCH_LARGE_BATCH (256),
 * BENCH_ALLOCATIONS (1), BENCH_THREADS (the machine's cores), BENCH_BATCH_SIZE (32, also the server's
 * INFERGATE_MAX_BATCH_SIZE), INFERGATE_MODELS_DIR (../shared/models). Default model: synthetic-bert-l4-h128.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { ModelLibrary } from '../server/engine/model-library';
import { ModelRunner } from '../server/engine/model-runner';
import { ModelTokenizer } from '../server/engine/model-tokenizer';
import { maxSequenceLength, readModelFiles } from '../server/engine/model-files';

const MODEL = process.argv[2] ?? process.env.BENCH_MODEL ?? 'synthetic-bert-l4-h128';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const LARGE_BATCH = Number(process.env.BENCH_LARGE_BATCH ?? 256);
const ALLOCATIONS = Number(process.env.BENCH_ALLOCATIONS ?? 1);
const THREADS = Number(process.env.BENCH_THREADS ?? availableParallelism());
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 32);
const MODELS_DIR = process.env.INFERGATE_MODELS_DIR ?? '../shared/models';

const WORDS = (
  'the search engine ranks documents by relevance to a query and users read the first results carefully while ' +
  'vectors capture meaning beyond exact words so similar questions find similar answers in large collections of ' +
  'text about science history sport music travel cooking weather markets health software languages and cities'
).split(' ');

/** Deterministic sentences of 8 to 24 words. */
function sentences(count: number): string[] {
  let seed = 42;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: count }, () => {
    const length = 8 + Math.floor(next() * 17);
    return Array.from({ length }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ') + '.';
  });
}

interface Figures {
  tokensPerSecond: number;
  inputsPerSecond: number;
  latencies: number[];
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

function report(label: string, figures: Figures, ceiling?: Figures): void {
  const sorted = [...figures.latencies].sort((a, b) => a - b);
  const ratio = ceiling ? `   ${((100 * figures.tokensPerSecond) / ceiling.tokensPerSecond).toFixed(1)}% of ceiling` : '';
  console.log(
    `${label.padEnd(34)} ${Math.round(figures.tokensPerSecond).toString().padStart(7)} tokens/s ${figures.inputsPerSecond.toFixed(0).padStart(6)} inputs/s` +
      `   latency p50 ${percentile(sorted, 50).toFixed(1)} ms  p95 ${percentile(sorted, 95).toFixed(1)} ms  p99 ${percentile(sorted, 99).toFixed(1)} ms${ratio}`,
  );
}

/** Runs `work` from `workers` concurrent loops for SECONDS; each call reports the tokens it processed. */
async function drive(workers: number, work: (worker: number, round: number) => Promise<{ tokens: number; inputs: number }>): Promise<Figures> {
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  let tokens = 0;
  let inputs = 0;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let round = 0; performance.now() < deadline; round++) {
        const begin = performance.now();
        const done = await work(worker, round);
        latencies.push(performance.now() - begin);
        tokens += done.tokens;
        inputs += done.inputs;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { tokensPerSecond: tokens / seconds, inputsPerSecond: inputs / seconds, latencies };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function startServerProcess(port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), path.join(__dirname, '..', 'server', 'main.ts')], {
    env: {
      ...process.env,
      PORT: String(port),
      INFERGATE_DATA_DIR: dataDir,
      INFERGATE_MODELS_DIR: MODELS_DIR,
      INFERGATE_LOG_LEVEL: 'warn',
      INFERGATE_MAX_BATCH_SIZE: String(BATCH_SIZE),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return child;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  child.kill();
  throw new Error('the server did not start');
}

async function request(pool: Pool, method: string, pathName: string, body: unknown): Promise<unknown> {
  const response = await pool.request({ method: method as 'POST', path: pathName, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${method} ${pathName} answered ${response.statusCode}: ${text}`);
  return JSON.parse(text);
}

async function main(): Promise<void> {
  const model = new ModelLibrary(MODELS_DIR.split(path.delimiter).map((dir) => path.resolve(dir))).find(MODEL);
  if (!model) throw new Error(`no model directory [${MODEL}] in ${MODELS_DIR}`);
  const files = readModelFiles(model.dir);
  const tokenizer = new ModelTokenizer(files.tokenizer, files.tokenizerConfig, maxSequenceLength(files));
  const corpus = sentences(4096);
  const tokenCounts = new Map(corpus.map((text) => [text, tokenizer.encode([{ text }]).lengths[0]]));
  const tokensOf = (texts: string[]) => texts.reduce((sum, text) => sum + tokenCounts.get(text)!, 0);
  const pick = (offset: number, count: number) => Array.from({ length: count }, (_, index) => corpus[(offset + index) % corpus.length]);
  const meanTokens = tokensOf(corpus) / corpus.length;

  console.log(`model ${MODEL} (${model.dir}); ${availableParallelism()} cores; Node ${process.version}`);
  console.log(
    `sentences of ${meanTokens.toFixed(1)} tokens on average; ${SECONDS}s per scenario; server: ${ALLOCATIONS} allocation(s) x ${THREADS} thread(s), batches of up to ${BATCH_SIZE}`,
  );

  // The ceiling gets every core the deployment gets (allocations x threads), in one session.
  const ceilingThreads = ALLOCATIONS * THREADS;
  const runner = await ModelRunner.load(model.dir, ceilingThreads);
  if (runner.plan.taskType === 'rerank') throw new Error('pick an embedding model: this benchmark sends single texts');
  await runner.run(pick(0, BATCH_SIZE).map((text) => ({ text })));
  const ceiling = await drive(1, async (_, round) => {
    const texts = pick(round * BATCH_SIZE, BATCH_SIZE);
    await runner.run(texts.map((text) => ({ text })));
    return { tokens: tokensOf(texts), inputs: texts.length };
  });
  await runner.release();
  report(`in-process ceiling (${ceilingThreads} thr, batch ${BATCH_SIZE})`, ceiling);

  const dataDir = mkdtempSync(path.join(tmpdir(), 'infergate-bench-local-'));
  const port = await freePort();
  const server = await startServerProcess(port, dataDir);
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CLIENTS + 2 });
  try {
    const taskType = runner.plan.taskType;
    await request(pool, 'PUT', `/_inference/${taskType}/bench`, {
      service: 'elasticsearch',
      service_settings: { model_id: MODEL, num_threads: THREADS, num_allocations: ALLOCATIONS },
    });
    await request(pool, 'POST', '/_inference/bench', { input: pick(0, BATCH_SIZE) });

    const singles = await drive(CLIENTS, async (worker, round) => {
      const texts = pick(worker * 997 + round, 1);
      await request(pool, 'POST', '/_inference/bench', { input: texts });
      return { tokens: tokensOf(texts), inputs: 1 };
    });
    report(`HTTP, ${CLIENTS} clients x 1 sentence`, singles, ceiling);

    const large = await drive(2, async (worker, round) => {
      const texts = pick((worker * 31 + round) * LARGE_BATCH, LARGE_BATCH);
      await request(pool, 'POST', '/_inference/bench', { input: texts });
      return { tokens: tokensOf(texts), inputs: texts.length };
    });
    report(`HTTP, 2 clients x ${LARGE_BATCH} sentences`, large, ceiling);

    const stats = (await request(pool, 'GET', '/_ml/trained_models/bench/_stats', undefined)) as {
      trained_model_stats: { deployment_stats: { nodes: { batch_count: number; average_batch_size: number; padding_ratio: number }[] } }[];
    };
    const node = stats.trained_model_stats[0].deployment_stats.nodes[0];
    console.log(`server batches: ${node.batch_count}, average size ${node.average_batch_size}, padding ratio ${node.padding_ratio}`);
  } finally {
    await pool.close();
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
