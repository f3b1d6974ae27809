/** shortestFloat32 computes without strings what it used to compute with them (kept here as the reference): the
 * same double, hence the same bytes in every response, for float32 values of every magnitude and for the values
 * where scaling could round differently (next to a decimal tie, next to a power of ten). */
import { shortestFloat32 } from '../../server/inference/float32-format';

function reference(value: number): number {
  const target = Math.fround(value);
  if (!Number.isFinite(target) || target === 0) return target;
  for (let precision = 7; precision < 9; precision++) {
    const candidate = Number(target.toPrecision(precision));
    if (Math.fround(candidate) === target) return candidate;
  }
  return Number(target.toPrecision(9));
}

const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);
const floatOfBits = (pattern: number) => ((bits[0] = pattern), asFloat[0]);
const neighbours = (value: number, steps: number) => {
  const base = (asFloat[0] = value, bits[0]);
  return Array.from({ length: 2 * steps + 1 }, (_, index) => floatOfBits(base + index - steps));
};

function mismatches(values: Iterable<number>): { value: number; got: number; want: number }[] {
  const found = [];
  for (const value of values) {
    const got = shortestFloat32(value);
    const want = reference(value);
    if (!Object.is(got, want)) found.push({ value, got, want });
    if (found.length > 5) break;
  }
  return found;
}

let seed = 7;
const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0);

test('random bit patterns of every exponent (signs, subnormals, extremes) format as before', () => {
  const values = Array.from({ length: 300_000 }, () => floatOfBits(random()));
  expect(mismatches(values)).toEqual([]);
});

test('values of embedding size (|x| < 1, normalised vectors) format as before', () => {
  const values = Array.from({ length: 300_000 }, () => Math.fround(((random() / 2 ** 32) * 2 - 1) * 10 ** -(random() % 6)));
  expect(mismatches(values)).toEqual([]);
});

test('floats next to short decimals, ties and powers of ten format as before', () => {
  const values: number[] = [];
  for (let exponent = -45; exponent <= 38; exponent++) {
    for (const mantissa of [1, 1.5, 2.5, 9.999999, 9.9999995, 1.0000005, 3.4028234, 1.17549435, 1.4]) values.push(...neighbours(Math.fround(mantissa * 10 ** exponent), 3));
  }
  for (let index = 0; index < 20_000; index++) {
    // A decimal of 7 or 8 digits with a 5 after it: the scaled value lands close to x.5.
    const digits = 1_000_000 + (random() % 9_000_000);
    values.push(...neighbours(Math.fround(((digits + 0.5) / 1e7) * 10 ** ((random() % 12) - 6)), 2));
  }
  values.push(0, -0, Infinity, -Infinity, NaN, 0.1, -0.1, 1 / 3, 16777217, Number.MAX_VALUE);
  expect(mismatches(values)).toEqual([]);
});

test('the shortest forms Java prints', () => {
  expect([0.1, 1 / 3, 0.5, 1e-7, 100, 3.4028234663852886e38].map(shortestFloat32)).toEqual([0.1, 0.33333334, 0.5, 1e-7, 100, 3.4028235e38]);
});
