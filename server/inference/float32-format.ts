/** Vectors are computed in float32; Elasticsearch prints them as Java floats, in the shortest form that reads back
 * as the same float32 (0.1, not 0.10000000149011612). Seven significant digits read back for most float32 values
 * (and `Number` drops trailing zeros: 0.5000000 prints as 0.5); eight or nine cover the rest. This matches the
 * shortest form on typical embeddings at a third of the cost of searching from one digit up. */
export function shortestFloat32(value: number): number {
  const target = Math.fround(value);
  if (!Number.isFinite(target) || target === 0) return target;
  const magnitude = Math.floor(Math.log10(Math.abs(target)));
  for (let precision = 7; precision < 9; precision++) {
    const candidate = roundToPrecision(target, precision, magnitude);
    if (Math.fround(candidate) === target) return candidate;
  }
  return roundToPrecision(target, 9, magnitude);
}

/** Every power of ten a double holds exactly. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, exponent) => Number(`1e${exponent}`));
/** How close to a tie (x.5) a scaled value may come before the rounding could differ from the exact decimal one. */
const TIE_MARGIN = 1e-6;

/** `Number(value.toPrecision(precision))` without the strings (which were most of the worker's formatting time):
 * scale to a `precision`-digit integer, round, scale back. Scaling by an exact power of ten errs by far less than
 * TIE_MARGIN, and dividing (or multiplying) an exact integer by an exact power of ten is rounded once, as parsing
 * the decimal is; so the result is the same double whenever the scaled value is not near a tie and has the
 * expected number of digits. Anything else (huge, tiny, near a tie, `magnitude` off by one) takes the string path. */
function roundToPrecision(value: number, precision: number, magnitude: number): number {
  const scale = precision - 1 - magnitude;
  const power = EXACT_POWERS_OF_TEN[Math.abs(scale)];
  if (power !== undefined) {
    const scaled = scale >= 0 ? Math.abs(value) * power : Math.abs(value) / power;
    const digits = Math.round(scaled);
    const low = EXACT_POWERS_OF_TEN[precision - 1];
    if (Math.abs(scaled - Math.floor(scaled) - 0.5) > TIE_MARGIN && digits >= low && digits < low * 10) {
      const rounded = scale >= 0 ? digits / power : digits * power;
      return value < 0 ? -rounded : rounded;
    }
  }
  return Number(value.toPrecision(precision));
}
