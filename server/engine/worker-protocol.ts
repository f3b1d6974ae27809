/** Messages between a deployment (main thread) and one of its allocations (a worker thread). */
import type { ModelPlan } from './model-plan';
import type { PackedOutcome } from './packed-results';
import type { TextItem } from './model-tokenizer';

export interface AllocationWorkerData {
  dir: string;
  threads: number;
}

/** `stop`: exit once the current step (loading the model, running a batch) is over. */
export type ToWorker = { type: 'run'; id: number; items: TextItem[] } | { type: 'stop' };

export type FromWorker =
  | { type: 'ready'; plan: ModelPlan }
  | { type: 'failed'; message: string }
  | { type: 'done'; id: number; outcome: PackedOutcome; ms: number }
  | { type: 'error'; id: number; message: string };
