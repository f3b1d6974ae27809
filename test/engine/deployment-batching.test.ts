/**
 * The local engine's Deployment driven directly, on the shared real models: inputs that arrive together leave in one
 * batch, batches grow with the load while an allocation is busy, and results are byte for byte what the engine
 * answered before its results moved through a transferred buffer (fixtures/engine-results-before.json was written by
 * the engine as it was, one 1-thread session per model, on the same texts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Deployment } from '../../server/engine/deployment';
import { createLogger } from '../../server/logger';
import { SHARED_MODELS_DIR } from '../support/shared-models';

const before = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'engine-results-before.json'), 'utf8')) as {
  texts: string[];
  results: Record<string, { together: unknown[]; alone: unknown[] }>;
};

function deploymentOf(model: string, maxBatchSize = 64): Deployment {
  return new Deployment({
    id: `test-${model}`,
    modelId: model,
    dir: path.join(SHARED_MODELS_DIR, model),
    settings: { threads: 1, allocations: 1 },
    queueCapacity: 1024,
    maxBatchSize,
    scaleDownAfterMs: 60_000,
    scaleToZeroAfterMs: 60_000,
    cpus: 2,
    logger: createLogger('silent'),
  });
}

/** A signal of its own for each request, as each HTTP request has. */
const never = () => new AbortController().signal;

/** Compares the JSON text, reporting the first result that differs (not two 50 kB strings). */
function sameBytes(actual: unknown[], expected: unknown[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((result, index) => expect({ index, json: JSON.stringify(result) }).toEqual({ index, json: JSON.stringify(expected[index]) }));
}
const words = (seed: number, count: number) => Array.from({ length: count }, (_, index) => `word${(seed * 31 + index) % 97}`).join(' ');

describe('results are what the engine answered before, to the byte', () => {
  test.each(Object.keys(before.results))('%s, the texts in one batch and each alone', async (model) => {
    const deployment = deploymentOf(model);
    try {
      await deployment.start();
      const items = before.texts.map((text) => ({ text }));
      // The texts are of similar length, so the queue keeps them in one batch, as the fixture ran them. (Batch
      // composition matters: the int8 models quantise their activations per batch, so a text batched with others
      // does not give quite the bytes it gives alone.)
      sameBytes(await deployment.infer(items, never()), before.results[model].together);
      const alone = [];
      for (const item of items) alone.push(...(await deployment.infer([item], never())));
      sameBytes(alone, before.results[model].alone);
    } finally {
      await deployment.stop();
    }
  });
});

describe('batches follow the load', () => {
  let deployment: Deployment;
  beforeAll(async () => {
    deployment = deploymentOf('synthetic-bert-l4-h128');
    await deployment.start();
  });
  afterAll(() => deployment.stop());

  test('requests that arrive in one turn of the event loop on an idle deployment leave in one batch', async () => {
    const batchesBefore = deployment.counters.batchCount;
    const requests = Array.from({ length: 12 }, (_, index) => deployment.infer([{ text: words(index, 10) }], never()));
    const results = await Promise.all(requests);
    expect(results.every((result) => result.length === 1)).toBe(true);
    // Dispatching on arrival would have sent the first request alone and the eleven others after it.
    expect(deployment.counters.batchCount - batchesBefore).toBe(1);
  });

  test('inputs arriving one by one while a batch runs all leave together in the next batch', async () => {
    const long = Array.from({ length: 32 }, (_, index) => ({ text: words(100 + index, 400) }));
    const batchesBefore = deployment.counters.batchCount;
    const first = deployment.infer(long, never());
    // Wait until that batch has left the queue (it is running), then send singles, each in its own turn of the loop.
    while (deployment.pendingInputs > 0) await new Promise((resolve) => setImmediate(resolve));
    const singles: Promise<unknown[]>[] = [];
    for (let index = 0; index < 20; index++) {
      singles.push(deployment.infer([{ text: words(200 + index, 10) }], never()));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const running = deployment.counters.batchCount === batchesBefore;
    await Promise.all([first, ...singles]);
    // Only meaningful if the long batch was still running when the last single arrived (it takes far longer on
    // 32 x 400 tokens than 20 turns of the event loop): then the 20 singles make exactly one more batch.
    expect(running).toBe(true);
    expect(deployment.counters.batchCount - batchesBefore).toBe(2);
    expect(deployment.counters.maxBatchSize).toBeGreaterThanOrEqual(20);
  });
});
