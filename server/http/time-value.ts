/** Elasticsearch time values (`30s`, `2m`, `500ms`; whole numbers only) as used by the `timeout` parameter. */
import { EsError } from './errors';
import { javaDecimal, javaTrim } from './rest-params';

export interface TimeValue {
  ms: number;
  /** As Elasticsearch prints it in messages (`Request timed out after [30s]`). */
  label: string;
}

const illegalArgument = (reason: string) => new EsError(400, 'illegal_argument_exception', reason);

/** What java.lang.Double#parseDouble accepts once trimmed (decimal or hexadecimal, an optional f/d suffix); the
 * text here is already lower-cased, so `NaN` and `Infinity` no longer parse. */
const JAVA_DOUBLE = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|0x(?:[0-9a-f]+\.?|[0-9a-f]*\.[0-9a-f]+)p[+-]?\d+)[fd]?$/;

/** TimeValue#parse: a whole number of the unit; -1 is the only negative one. */
function parseAmount(raw: string, normalized: string, suffix: string, settingName: string): number {
  const text = javaTrim(normalized.slice(0, normalized.length - suffix.length));
  const value = javaDecimal(text);
  if (value !== undefined && Math.abs(value) < 2 ** 63) {
    if (value < -1) {
      throw illegalArgument(`failed to parse setting [${settingName}] with value [${raw}] as a time value: negative durations are not supported`);
    }
    return value;
  }
  if (JAVA_DOUBLE.test(javaTrim(text))) throw illegalArgument(`failed to parse [${raw}], fractional time values are not supported`);
  throw illegalArgument(`failed to parse [${raw}]`);
}

const SUFFIXES: ReadonlyArray<[string, number]> = [
  ['nanos', 1e-6],
  ['micros', 1e-3],
  ['ms', 1],
  ['s', 1000],
];

/** TimeValue#parseTimeValue, message for message. `m` alone is case-sensitive (`M` would be months). */
export function parseTimeValue(raw: string, settingName = 'timeout'): TimeValue {
  const normalized = javaTrim(raw.toLowerCase());
  const unit =
    SUFFIXES.find(([suffix]) => normalized.endsWith(suffix)) ??
    (raw.endsWith('m') ? (['m', 60_000] as [string, number]) : undefined) ??
    ([['h', 3_600_000], ['d', 86_400_000]] as Array<[string, number]>).find(([suffix]) => normalized.endsWith(suffix));
  if (unit) {
    const amount = parseAmount(raw, normalized, unit[0], settingName);
    const ms = amount * unit[1];
    return { ms, label: amount < 0 ? String(amount) : formatTimeValue(ms) };
  }
  if (/^-0*1$/.test(normalized)) return { ms: -1, label: '-1' };
  if (/^0+$/.test(normalized)) return { ms: 0, label: '0s' };
  throw illegalArgument(`failed to parse setting [${settingName}] with value [${raw}] as a time value: unit is missing or unrecognized`);
}

/** Mirrors TimeValue#toString: the largest unit with a value of at least 1, one decimal when fractional. */
export function formatTimeValue(ms: number): string {
  if (ms === 0) return '0s';
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ];
  for (const [unit, size] of units) {
    if (ms >= size) {
      const value = ms / size;
      return Number.isInteger(value) ? `${value}${unit}` : `${value.toFixed(1)}${unit}`;
    }
  }
  return `${ms}ms`;
}

export const timeValueFromMs = (ms: number): TimeValue => ({ ms, label: formatTimeValue(ms) });
