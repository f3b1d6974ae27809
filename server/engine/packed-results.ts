/** A batch's dense vectors travel from an allocation's thread to the main thread as one Float64Array, moved (not
 * cloned) through postMessage's transfer list: structured-cloning 32 arrays of 384 numbers cost the main thread, which
 * also serves HTTP, more than rebuilding them from one buffer. The values are already the shortest float32 forms. */
import type { BatchOutcome, BatchResults } from './model-runner';

export type PackedResults =
  | { taskType: 'text_embedding'; packed: Float64Array; width: number }
  | Exclude<BatchResults, { taskType: 'text_embedding' }>;

export type PackedOutcome = Omit<BatchOutcome, 'results'> & { results: PackedResults };

/** What to put in postMessage's transfer list. */
export function transferables(outcome: PackedOutcome): ArrayBuffer[] {
  return outcome.results.taskType === 'text_embedding' ? [outcome.results.packed.buffer as ArrayBuffer] : [];
}

export function unpackOutcome(outcome: PackedOutcome): BatchOutcome {
  const results = outcome.results;
  if (results.taskType !== 'text_embedding') return { ...outcome, results };
  const { packed, width } = results;
  const rows = width === 0 ? 0 : packed.length / width;
  const values = Array.from({ length: rows }, (_, row) => Array.from(packed.subarray(row * width, (row + 1) * width)));
  return { ...outcome, results: { taskType: 'text_embedding', values } };
}
