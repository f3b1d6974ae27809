/** Elasticsearch time values (`30s`, `2m`, `500ms`, `1.5h`) as used by the `timeout` parameter. */
import { EsError } from './errors';

const UNIT_MS: Record<string, number> = {
  nanos: 1e-6,
  micros: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

export interface TimeValue {
  ms: number;
  /** As Elasticsearch prints it in messages (`Request timed out after [30s]`). */
  label: string;
}

export function parseTimeValue(raw: string, settingName = 'timeout'): TimeValue {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(nanos|micros|ms|s|m|h|d)\s*$/.exec(raw);
  if (!match) {
    throw new EsError(
      400,
      'illegal_argument_exception',
      `failed to parse setting [${settingName}] with value [${raw}] as a time value: unit is missing or unrecognized`,
    );
  }
  const ms = Number(match[1]) * UNIT_MS[match[2]];
  return { ms, label: formatTimeValue(ms) };
}

/** Mirrors TimeValue#toString: the largest unit with a value of at least 1, one decimal when fractional. */
export function formatTimeValue(ms: number): string {
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
