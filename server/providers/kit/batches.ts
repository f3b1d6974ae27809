/** Inputs go upstream in requests of at most a provider's batch size, a few at a time; results keep input order. */

/** Batches of one call in flight at once: enough to overlap round trips, too few to flood a provider or the pool. */
const CONCURRENT_BATCHES = 8;

/**
 * Runs `run` on each batch of at most `size` items. The first failure is the call's: `onFailure` is told (to abort
 * the batches still running) and no further batch starts.
 */
export async function inBatches<T, R>(items: readonly T[], size: number, run: (batch: T[]) => Promise<R[]>, onFailure?: () => void): Promise<R[]> {
  if (items.length <= size) return run([...items]);
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  const results: R[][] = new Array(batches.length);
  let next = 0;
  let failed = false;
  async function worker(): Promise<void> {
    while (!failed && next < batches.length) {
      const index = next++;
      try {
        results[index] = await run(batches[index]);
      } catch (error) {
        if (!failed) onFailure?.();
        failed = true;
        throw error;
      }
    }
  }
  const workers = Array.from({ length: Math.min(CONCURRENT_BATCHES, batches.length) }, worker);
  await Promise.all(workers);
  return results.flat();
}
