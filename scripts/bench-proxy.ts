/**
 * npm run bench:proxy — the per-request overhead of a proxied text_embedding call.
 *
 * Starts the mock OpenAI server and infergate on loopback, then times the same embeddings request sent
 * (a) straight to the mock and (b) through infergate, sequentially over one keep-alive connection each.
 * Prints median and p99 of both and of the difference. Options: BENCH_REQUESTS (default 2000), BENCH_WARMUP (300).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Pool } from 'undici';
import { loadConfig } from '../server/config';
import { startServer } from '../server/server';
import { DEFAULT_API_KEY, startMockOpenAi } from '../test/providers/openai/mock-openai';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 300);
const INPUT = ['The sky above the port was the color of television tuned to a dead channel.'];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function time(pool: Pool, pathName: string, body: unknown, headers: Record<string, string>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const started = process.hrtime.bigint();
    const response = await pool.request({ method: 'POST', path: pathName, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    await response.body.text();
    if (response.statusCode !== 200) throw new Error(`${pathName} answered ${response.statusCode}`);
    if (i >= WARMUP) samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return samples.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const mock = await startMockOpenAi({ defaultDimensions: 384 });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'infergate-bench-'));
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  const server = await startServer(loadConfig({}, { port: 0, dataDir, logLevel: 'warn', skipValidation: true }), quiet);
  const direct = new Pool(mock.url, { connections: 1 });
  const proxied = new Pool(server.url, { connections: 1 });
  try {
    const put = await proxied.request({
      method: 'PUT',
      path: '/_inference/text_embedding/bench',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        service: 'openai',
        service_settings: {
          api_key: DEFAULT_API_KEY,
          model_id: 'text-embedding-3-small',
          url: mock.embeddingsUrl,
          rate_limit: { requests_per_minute: 100_000_000 },
        },
      }),
    });
    if (put.statusCode !== 200) throw new Error(`PUT failed: ${await put.body.text()}`);
    await put.body.text();

    const straight = await time(direct, '/v1/embeddings', { input: INPUT, model: 'text-embedding-3-small' }, { authorization: `Bearer ${DEFAULT_API_KEY}` });
    const through = await time(proxied, '/_inference/text_embedding/bench', { input: INPUT }, {});
    const row = (label: string, samples: number[]) =>
      `${label.padEnd(22)} median ${percentile(samples, 50).toFixed(3)} ms   p99 ${percentile(samples, 99).toFixed(3)} ms`;
    console.log(`text_embedding, 1 input, 384 dims, ${REQUESTS} sequential requests after ${WARMUP} warm-up, Node ${process.version}`);
    console.log(row('direct to mock', straight));
    console.log(row('through infergate', through));
    console.log(
      `overhead               median ${(percentile(through, 50) - percentile(straight, 50)).toFixed(3)} ms   p99 ${(percentile(through, 99) - percentile(straight, 99)).toFixed(3)} ms`,
    );
  } finally {
    await direct.close();
    await proxied.close();
    await server.stop();
    await mock.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
