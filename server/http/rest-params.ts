/**
 * Query parameters read as Elasticsearch's RestRequest reads them (`paramAsBoolean`, `paramAsInt`) and the
 * unknown-parameter message of BaseRestHandler, each worded exactly as Elasticsearch words it.
 */
import { EsError } from './errors';

const illegalArgument = (reason: string) => new EsError(400, 'illegal_argument_exception', reason);

/** java.lang.Character#isWhitespace: space separators other than the no-break ones, and the ASCII controls. */
const isJavaWhitespace = (code: number): boolean =>
  (code >= 0x09 && code <= 0x0d) ||
  (code >= 0x1c && code <= 0x20) ||
  code === 0x1680 ||
  (code >= 0x2000 && code <= 0x2006) ||
  (code >= 0x2008 && code <= 0x200a) ||
  code === 0x2028 ||
  code === 0x2029 ||
  code === 0x205f ||
  code === 0x3000;

const hasText = (value: string): boolean => [...value].some((char) => !isJavaWhitespace(char.codePointAt(0)!));

/** java.lang.String#trim: strips the characters up to U+0020 at both ends. */
export function javaTrim(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) <= 0x20) start++;
  while (end > start && value.charCodeAt(end - 1) <= 0x20) end--;
  return value.slice(start, end);
}

/** RestRequest#paramAsBoolean(key, default): present without a value is true, blank is the default, else exactly
 * `true` or `false`. */
export function paramAsBoolean(raw: string | undefined, defaultValue: boolean): boolean {
  if (raw === undefined) return defaultValue;
  if (raw === '') return true;
  if (!hasText(raw)) return defaultValue;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw illegalArgument(`Failed to parse value [${raw}] as only [true] or [false] are allowed.`);
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const DECIMAL_DIGIT = /\p{Nd}/u;

/** Character#digit(ch, 10) for one UTF-16 unit: Unicode's decimal digits (runs of ten, from zero) of the BMP. */
function digitValue(text: string, index: number): number | undefined {
  const code = text.charCodeAt(index);
  if (code >= 0xd800 && code <= 0xdfff) return undefined;
  if (!DECIMAL_DIGIT.test(text[index])) return undefined;
  let zero = code;
  while (zero > 0 && DECIMAL_DIGIT.test(String.fromCharCode(zero - 1))) zero--;
  return (code - zero) % 10;
}

/** What Integer#parseInt and Long#parseLong read: an optional sign and decimal digits; undefined otherwise. The
 * value is a double, exact up to 2^53, which is all the range checks need. */
export function javaDecimal(text: string): number | undefined {
  const signed = text.startsWith('-') || text.startsWith('+');
  if (text.length === (signed ? 1 : 0)) return undefined;
  let value = 0;
  for (let i = signed ? 1 : 0; i < text.length; i++) {
    const digit = digitValue(text, i);
    if (digit === undefined) return undefined;
    value = value * 10 + digit;
  }
  return text.startsWith('-') ? -value : value;
}

/** RestRequest#paramAsInt: java.lang.Integer#parseInt (an optional sign, decimal digits, 32-bit range). */
export function paramAsInt(name: string, raw: string | undefined, defaultValue: number): number {
  if (raw === undefined) return defaultValue;
  const value = javaDecimal(raw);
  if (value === undefined || value < INT_MIN || value > INT_MAX) throw illegalArgument(`Failed to parse int parameter [${name}] with value [${raw}]`);
  return value + 0; // -0 is 0
}

/** Lucene's LevenshteinDistance#getDistance: 1 - edits / longer length, over UTF-16 units, in float arithmetic. */
export function levenshteinSimilarity(target: string, other: string): number {
  const a = target.split('');
  const b = other.split('');
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 1 : 0;
  let previous = Array.from({ length: a.length + 1 }, (_, i) => i);
  for (let j = 1; j <= b.length; j++) {
    const current = [j];
    for (let i = 1; i <= a.length; i++) {
      current[i] = Math.min(current[i - 1] + 1, previous[i] + 1, previous[i - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return Math.fround(1 - Math.fround(previous[a.length] / Math.max(a.length, b.length)));
}

/** BaseRestHandler#unrecognized: the names sorted, each with the candidates that are more than half similar. */
export function unrecognizedParameters(path: string, names: readonly string[], candidates: readonly string[]): EsError {
  const sorted = [...new Set(names)].sort();
  const described = sorted.map((name) => {
    const similar = [...new Set(candidates)]
      .map((candidate) => ({ candidate, score: levenshteinSimilarity(name, candidate) }))
      .filter(({ score }) => score > 0.5)
      .sort((x, y) => y.score - x.score || (x.candidate < y.candidate ? -1 : x.candidate > y.candidate ? 1 : 0))
      .map(({ candidate }) => candidate);
    if (similar.length === 0) return `[${name}]`;
    return `[${name}] -> did you mean ${similar.length > 1 ? 'any of ' : ''}[${similar.join(', ')}]?`;
  });
  return illegalArgument(`request [${path}] contains unrecognized parameter${sorted.length > 1 ? 's' : ''}: ${described.join(', ')}`);
}
