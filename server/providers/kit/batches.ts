/** Inputs go upstream in requests of at most a provider's batch size, concurrently; results keep input order. */
export async function inBatches<T, R>(items: readonly T[], size: number, run: (batch: T[]) => Promise<R[]>): Promise<R[]> {
  if (items.length <= size) return run([...items]);
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return (await Promise.all(batches.map(run))).flat();
}
