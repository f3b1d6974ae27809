/** Vectors are computed in float32; Elasticsearch prints them as Java floats, in the shortest form that reads
 * back as the same float32 (0.1, not 0.10000000149011612). */
export function shortestFloat32(value: number): number {
  const target = Math.fround(value);
  if (!Number.isFinite(target) || target === 0) return target;
  for (let precision = 1; precision < 9; precision++) {
    const candidate = Number(target.toPrecision(precision));
    if (Math.fround(candidate) === target) return candidate;
  }
  return Number(target.toPrecision(9));
}
