/** The body of one allocation: a worker thread that loads the model once and runs the batches it is sent, so that
 * model inference never holds up the server's event loop. */
import { parentPort, workerData } from 'node:worker_threads';
import { ModelRunner } from './model-runner';
import { transferables } from './packed-results';
import type { AllocationWorkerData, FromWorker, ToWorker } from './worker-protocol';

const port = parentPort!;
const send = (message: FromWorker) => port.postMessage(message);
const { dir, threads } = workerData as AllocationWorkerData;

// A stop request is read only between two steps, never while onnxruntime's native code runs in this thread:
// stopping the thread in the middle of one (Worker#terminate while the model loads) aborts the whole process.
port.on('message', (message: ToWorker) => {
  if (message.type === 'stop') process.exit(0);
});

ModelRunner.load(dir, threads).then(
  (runner) => {
    port.on('message', (message: ToWorker) => {
      if (message.type !== 'run') return;
      const started = performance.now();
      runner.runPacked(message.items).then(
        (outcome) => port.postMessage({ type: 'done', id: message.id, outcome, ms: performance.now() - started } satisfies FromWorker, transferables(outcome)),
        (error: Error) => send({ type: 'error', id: message.id, message: error.message }),
      );
    });
    send({ type: 'ready', plan: runner.plan });
  },
  (error: Error) => {
    send({ type: 'failed', message: error.message });
    process.exit(0);
  },
);
