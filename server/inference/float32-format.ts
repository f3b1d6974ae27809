/** Vectors are computed in float32; Elasticsearch prints them as Java floats, in the shortest form that reads back
 * as the same float32 (0.1, not 0.10000000149011612). Seven significant digits read back for most float32 values
 * (and `Number` drops trailing zeros: 0.5000000 prints as 0.5); eight or nine cover the rest. This matches the
 * shortest form on typical embeddings at a third of the cost of searching from one digit up. */
export function shortestFloat32(value: number): number {
  const target = Math.fround(value);
  if (!Number.isFinite(target) || target === 0) return target;
  for (let precision = 7; precision < 9; precision++) {
    const candidate = Number(target.toPrecision(precision));
    if (Math.fround(candidate) === target) return candidate;
  }
  return Number(target.toPrecision(9));
}
