/** The main thread's handle on one allocation (a worker thread running the model). */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ModelPlan } from './model-plan';
import type { BatchOutcome } from './model-runner';
import type { TextItem } from './model-tokenizer';
import { unpackOutcome } from './packed-results';
import type { AllocationWorkerData, FromWorker, ToWorker } from './worker-protocol';

export class AllocationError extends Error {}

/** From TypeScript sources (tests, `npm run dev`) the worker registers tsx before loading its module; from the
 * built server it loads the compiled file directly. */
function spawnWorker(data: AllocationWorkerData): Worker {
  const entry = path.join(__dirname, `allocation-worker${path.extname(__filename)}`);
  if (entry.endsWith('.ts')) {
    const bootstrap = `require('tsx/cjs/api').register(); require(${JSON.stringify(entry)});`;
    return new Worker(bootstrap, { eval: true, workerData: data });
  }
  return new Worker(entry, { workerData: data });
}

export class Allocation {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (value: { outcome: BatchOutcome; ms: number }) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private exited = false;
  private stopping = false;
  readonly ready: Promise<ModelPlan>;
  isReady = false;
  busy = false;
  idleSince = Date.now();

  constructor(dir: string, threads: number, private readonly onExit: (allocation: Allocation, error: Error) => void) {
    this.worker = spawnWorker({ dir, threads });
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          this.isReady = true;
          resolve(message.plan);
        }
        else if (message.type === 'failed') reject(new AllocationError(message.message));
        else this.settle(message);
      });
      this.worker.once('error', (error) => reject(new AllocationError(error.message)));
      this.worker.once('exit', (code) => {
        this.exited = true;
        const error = new AllocationError(`the inference process exited with code [${code}]`);
        reject(error);
        for (const { reject: fail } of this.pending.values()) fail(error);
        this.pending.clear();
        if (!this.stopping) this.onExit(this, error);
      });
    });
    this.ready.catch(() => undefined);
  }

  run(items: TextItem[]): Promise<{ outcome: BatchOutcome; ms: number }> {
    if (this.exited) return Promise.reject(new AllocationError('the inference process has stopped'));
    const id = this.nextId++;
    const done = new Promise<{ outcome: BatchOutcome; ms: number }>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.worker.postMessage({ type: 'run', id, items } satisfies ToWorker);
    return done;
  }

  /** Asks the thread to exit after its current step; not Worker#terminate, which aborts the whole process when
   * it lands while onnxruntime loads the model. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'stop' } satisfies ToWorker);
    await exited;
  }

  private settle(message: Extract<FromWorker, { type: 'done' | 'error' }>): void {
    const waiting = this.pending.get(message.id);
    this.pending.delete(message.id);
    if (!waiting) return;
    if (message.type === 'done') waiting.resolve({ outcome: unpackOutcome(message.outcome), ms: message.ms });
    else waiting.reject(new AllocationError(message.message));
  }
}
