/**
 * npm run bench:local [model-directory] — the local engine against the ceiling and a transformers.js peer, on the
 * same model files, measured in interleaved rounds (medians printed).
 *
 * Peers: the ceiling (scripts/bench/local-ceiling.ts: the model driven in this process, best layout of the cores);
 * infergate (built, `node dist/server/main.js`, its own process) through HTTP; @huggingface/transformers loaded
 * offline from the same files behind a minimal node:http server (scripts/bench/transformers-server.ts).
 * Scenarios: BENCH_CLIENTS (32) concurrent clients of one sentence each; 2 clients of BENCH_LARGE_BATCH (256)
 * sentences; one sentence at a time (p50 latency and CPU per input, the kernel's count for the server process).
 * Also: infergate's resident memory per allocation and its batches. Options (environment): BENCH_SECONDS (per
 * measurement, 5), BENCH_ROUNDS (3), BENCH_ALLOCATIONS and BENCH_THREADS (infergate's deployment; default one
 * 1-thread allocation per core), BENCH_BATCH_SIZE (32: the ceiling's batches, infergate's INFERGATE_MAX_BATCH_SIZE),
 * BENCH_BUILD=0 to skip `npm run build`, INFERGATE_MODELS_DIR (../shared/models). Default model all-minilm-l6-v2-int8.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { ModelLibrary } from '../server/engine/model-library';
import { maxSequenceLength, readModelFiles } from '../server/engine/model-files';
import { ModelTokenizer } from '../server/engine/model-tokenizer';
import { Ceiling, coreLayouts, layoutName } from './bench/local-ceiling';
import { drive, type Figures, HttpPeer, median, sentences } from './bench/local-load';
import { ROOT, startProcess } from './bench/processes';

const MODEL = process.argv[2] ?? process.env.BENCH_MODEL ?? 'all-minilm-l6-v2-int8';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const LARGE_BATCH = Number(process.env.BENCH_LARGE_BATCH ?? 256);
const ALLOCATIONS = Number(process.env.BENCH_ALLOCATIONS ?? availableParallelism());
const THREADS = Number(process.env.BENCH_THREADS ?? 1);
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 32);
const MODELS_DIR = path.resolve(process.env.INFERGATE_MODELS_DIR ?? path.join(ROOT, '../shared/models'));
const TRANSFORMERS_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];

const corpus = sentences(4096);
const pick = (offset: number, count: number) => Array.from({ length: count }, (_, index) => corpus[(offset + index) % corpus.length]);

/** The layout transformers.js expects (onnx/model.onnx beside the configs), as symlinks to the model's own files. */
function transformersLayout(modelDir: string, root: string): void {
  const dir = path.join(root, MODEL);
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  for (const file of TRANSFORMERS_FILES) if (existsSync(path.join(modelDir, file))) symlinkSync(path.join(modelDir, file), path.join(dir, file));
  symlinkSync(path.join(modelDir, 'model.onnx'), path.join(dir, 'onnx', 'model.onnx'));
}

async function startInfergate(dataDir: string): Promise<HttpPeer> {
  const server = await startProcess('node', ['dist/server/main.js'], 'PORT', {
    INFERGATE_DATA_DIR: dataDir,
    INFERGATE_MODELS_DIR: MODELS_DIR,
    INFERGATE_LOG_LEVEL: 'warn',
    INFERGATE_MAX_BATCH_SIZE: String(BATCH_SIZE),
  });
  return new HttpPeer('infergate', server, '/_inference/bench', CLIENTS + 2);
}

/** PUTs the endpoint; returns the server's resident memory per allocation (bytes) once the model ran. */
async function deploy(infergate: HttpPeer): Promise<number> {
  const before = infergate.rssBytes();
  const response = await fetch(`${infergate.server.url}/_inference/text_embedding/bench`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ service: 'elasticsearch', service_settings: { model_id: MODEL, num_threads: THREADS, num_allocations: ALLOCATIONS } }),
  });
  if (response.status !== 200) throw new Error(`PUT answered ${response.status}: ${await response.text()}`);
  // Every allocation loads its model, then runs a full batch (its arena grows to a batch's size).
  while ((await nodeStats(infergate)).allocation_count < ALLOCATIONS) await new Promise((resolve) => setTimeout(resolve, 200));
  await Promise.all(Array.from({ length: ALLOCATIONS * 2 }, (_, index) => infergate.embed(pick(index * BATCH_SIZE, BATCH_SIZE))));
  return (infergate.rssBytes() - before) / ALLOCATIONS;
}

async function nodeStats(infergate: HttpPeer) {
  const stats = (await (await fetch(`${infergate.server.url}/_ml/trained_models/bench/_stats`)).json()) as {
    trained_model_stats: { deployment_stats: { nodes: { batch_count: number; average_batch_size: number; inference_count: number }[]; allocation_status?: { allocation_count: number } } }[];
  };
  const deployment = stats.trained_model_stats[0].deployment_stats;
  return { ...deployment.nodes[0], allocation_count: deployment.allocation_status?.allocation_count ?? 0 };
}

type Scenario = 'singles' | 'large' | 'sequential';
const results = new Map<string, Figures[]>();
/** infergate's mean batch size in each scenario, per round. */
const batchSizes = new Map<Scenario, number[]>();
const record = (key: string, figures: Figures) => results.set(key, [...(results.get(key) ?? []), figures]);
const medianOf = (key: string, field: keyof Figures) => median((results.get(key) ?? []).map((figures) => figures[field]));

async function measurePeer(peer: HttpPeer, scenario: Scenario): Promise<Figures> {
  const cpu = () => peer.server.cpuSeconds();
  if (scenario === 'singles') return drive(CLIENTS, SECONDS, (client, round) => peer.embed(pick(client * 997 + round, 1)), cpu);
  if (scenario === 'large') return drive(2, SECONDS, (client, round) => peer.embed(pick((client * 31 + round) * LARGE_BATCH, LARGE_BATCH)), cpu);
  return drive(1, SECONDS, (_, round) => peer.embed(pick(round, 1)), cpu);
}

async function round(index: number, ceiling: Ceiling, peers: HttpPeer[]): Promise<void> {
  // Which peer goes first rotates from round to round, so that neither always meets the machine's other load first.
  const ordered = index % 2 === 0 ? peers : [...peers].reverse();
  for (const layout of coreLayouts()) {
    record(`ceiling ${layoutName(layout)}`, await ceiling.throughput(layoutName(layout), SECONDS, (client, r) => pick((client * 53 + r) * BATCH_SIZE, BATCH_SIZE)));
  }
  for (const scenario of ['singles', 'large', 'sequential'] as Scenario[]) {
    for (const peer of ordered) {
      const before = peer.name === 'infergate' ? await nodeStats(peer) : undefined;
      record(`${peer.name} ${scenario}`, await measurePeer(peer, scenario));
      if (before) {
        const after = await nodeStats(peer);
        batchSizes.set(scenario, [...(batchSizes.get(scenario) ?? []), (after.inference_count - before.inference_count) / (after.batch_count - before.batch_count)]);
      }
    }
  }
  for (const threads of ceiling.sessionThreads) record(`ceiling sequential ${threads}`, await ceiling.sequential(threads, SECONDS, (r) => pick(r, 1)[0]));
  console.log(`round ${index + 1}/${ROUNDS} done`);
}

function summary(): void {
  const best = (prefix: string, field: keyof Figures, pickBest: (a: number, b: number) => number) =>
    [...results.keys()].filter((key) => key.startsWith(prefix)).map((key) => ({ key, value: medianOf(key, field) })).reduce((a, b) => (pickBest(a.value, b.value) === a.value ? a : b));
  const throughputCeiling = best('ceiling ', 'inputsPerSecond', Math.max);
  const latencyCeiling = best('ceiling sequential', 'p50', Math.min);
  const fmt = (value: number, digits = 0) => value.toFixed(digits).padStart(8);
  console.log(`\nmedians of ${ROUNDS} rounds (the machine's other load included)`);
  for (const key of results.keys()) {
    console.log(`${key.padEnd(28)} ${fmt(medianOf(key, 'inputsPerSecond'))} inputs/s   p50 ${fmt(medianOf(key, 'p50'), 2)} ms   CPU ${fmt(medianOf(key, 'cpuMsPerInput'), 2)} ms/input`);
  }
  const ratio = (a: number, b: number) => (a / b).toFixed(2) + 'x';
  const ips = (key: string) => medianOf(key, 'inputsPerSecond');
  console.log(`\nceiling: ${throughputCeiling.key} (${Math.round(throughputCeiling.value)} inputs/s); latency ceiling: ${latencyCeiling.key} (p50 ${latencyCeiling.value.toFixed(2)} ms)`);
  console.log(`${CLIENTS} single-sentence clients: infergate ${ratio(ips('infergate singles'), throughputCeiling.value)} the ceiling (target >= 0.9x), ${ratio(ips('infergate singles'), ips('transformers.js singles'))} transformers.js over HTTP (target >= 2x)`);
  console.log(`large batches: infergate ${ratio(ips('infergate large'), throughputCeiling.value)} the ceiling (target >= 0.9x), ${ratio(ips('infergate large'), ips('transformers.js large'))} transformers.js over HTTP`);
  console.log(`one sentence at a time: p50 infergate ${ratio(medianOf('infergate sequential', 'p50'), latencyCeiling.value)} the ceiling's (target <= 1.2x), transformers.js over HTTP ${ratio(medianOf('transformers.js sequential', 'p50'), latencyCeiling.value)}`);
  console.log(`CPU per input at one request at a time: infergate ${ratio(medianOf('infergate sequential', 'cpuMsPerInput'), medianOf('transformers.js sequential', 'cpuMsPerInput'))} transformers.js's (target <= 1x)`);
}

async function main(): Promise<void> {
  const model = new ModelLibrary(MODELS_DIR.split(path.delimiter)).find(MODEL);
  if (!model) throw new Error(`no model directory [${MODEL}] in ${MODELS_DIR}`);
  const files = readModelFiles(model.dir);
  const tokenizer = new ModelTokenizer(files.tokenizer, files.tokenizerConfig, maxSequenceLength(files));
  const meanTokens = corpus.reduce((sum, text) => sum + tokenizer.encode([{ text }]).lengths[0], 0) / corpus.length;
  console.log(`model ${MODEL} (${model.dir}); ${availableParallelism()} cores; Node ${process.version}; sentences of ${meanTokens.toFixed(1)} tokens on average`);
  console.log(`infergate: ${ALLOCATIONS} allocation(s) x ${THREADS} thread(s), batches of up to ${BATCH_SIZE}; ${SECONDS}s per measurement, ${ROUNDS} rounds`);

  if (process.env.BENCH_BUILD !== '0') execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const scratch = mkdtempSync(path.join(tmpdir(), 'infergate-bench-local-'));
  transformersLayout(model.dir, path.join(scratch, 'transformers'));
  const ceiling = await Ceiling.load(model.dir, coreLayouts());
  const infergate = await startInfergate(path.join(scratch, 'data'));
  const transformers = new HttpPeer(
    'transformers.js',
    await startProcess('node', ['--import', 'tsx', 'scripts/bench/transformers-server.ts'], 'PORT', { BENCH_TRANSFORMERS_DIR: path.join(scratch, 'transformers'), BENCH_TRANSFORMERS_MODEL: MODEL }),
    '/',
    CLIENTS + 2,
  );
  try {
    const rssPerAllocation = await deploy(infergate);
    await transformers.embed(pick(0, BATCH_SIZE));
    console.log(`infergate resident memory per allocation: ${(rssPerAllocation / 2 ** 20).toFixed(1)} MiB (model file ${(statSync(files.modelPath).size / 2 ** 20).toFixed(1)} MiB)`);
    for (let index = 0; index < ROUNDS; index++) await round(index, ceiling, [infergate, transformers]);
    summary();
    console.log(`infergate's mean batch size: ${[...batchSizes].map(([scenario, sizes]) => `${scenario} ${median(sizes).toFixed(1)}`).join(', ')}`);
  } finally {
    await Promise.all([infergate.close(), transformers.close(), ceiling.close()]);
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
