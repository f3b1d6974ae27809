/**
 * The bench:local peer: @huggingface/transformers behind a minimal node:http server, as one would write it. POST /
 * with {"input": [texts]} answers {"text_embedding": [{"embedding": [...]}]} (mean pooling, L2 normalisation).
 * Offline: BENCH_TRANSFORMERS_DIR holds the model as transformers.js expects it (config, tokenizer, onnx/model.onnx),
 * BENCH_TRANSFORMERS_MODEL its name there. GET / answers once the model is loaded.
 */
import { createServer } from 'node:http';
import { env, pipeline } from '@huggingface/transformers';

env.allowRemoteModels = false;
env.localModelPath = process.env.BENCH_TRANSFORMERS_DIR!;

async function main(): Promise<void> {
  const extractor = await pipeline('feature-extraction', process.env.BENCH_TRANSFORMERS_MODEL!, { dtype: 'fp32' });
  createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      if (request.method !== 'POST') return response.end('{}');
      const { input } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input: string[] };
      const output = await extractor(input, { pooling: 'mean', normalize: true });
      const vectors = output.tolist() as number[][];
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ text_embedding: vectors.map((embedding) => ({ embedding })) }));
    });
  }).listen(Number(process.env.PORT), '127.0.0.1');
}

void main();
