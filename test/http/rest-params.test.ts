/**
 * Elasticsearch's readings of request parameters, without a server: time values (TimeValue#parseTimeValue), ints
 * and booleans (RestRequest), the unknown-parameter message (BaseRestHandler), and the task type in a path, whose
 * pattern in the spec must accept exactly what the server parses.
 */
import document from '../../generated/openapi.json';
import { EsError } from '../../server/http/errors';
import { levenshteinSimilarity, paramAsBoolean, paramAsInt, unrecognizedParameters } from '../../server/http/rest-params';
import { parseTimeValue } from '../../server/http/time-value';
import { parseTaskType } from '../../server/task-type';
import { Prng } from '../support/fuzz/prng';

const reasonOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(EsError);
    expect((error as EsError).type).toBe('illegal_argument_exception');
    return (error as EsError).reason;
  }
  throw new Error('expected a refusal');
};

describe('time values', () => {
  test.each([
    ['30s', 30_000, '30s'],
    ['500ms', 500, '500ms'],
    ['2m', 120_000, '2m'],
    [' 2m', 120_000, '2m'],
    ['1H', 3_600_000, '1h'],
    ['3d', 259_200_000, '3d'],
    ['1500000micros', 1500, '1.5s'],
    ['0', 0, '0s'],
    ['000', 0, '0s'],
    ['-1', -1, '-1'],
    ['-001', -1, '-1'],
    ['+5s', 5000, '5s'],
    ['٣s', 3000, '3s'],
  ])('%j → %d ms, printed [%s]', (raw, ms, label) => {
    expect(parseTimeValue(raw)).toEqual({ ms, label });
  });

  test.each([
    ['abc', 'failed to parse setting [timeout] with value [abc] as a time value: unit is missing or unrecognized'],
    ['5M', 'failed to parse setting [timeout] with value [5M] as a time value: unit is missing or unrecognized'],
    ['5m ', 'failed to parse setting [timeout] with value [5m ] as a time value: unit is missing or unrecognized'],
    ['10', 'failed to parse setting [timeout] with value [10] as a time value: unit is missing or unrecognized'],
    ['', 'failed to parse setting [timeout] with value [] as a time value: unit is missing or unrecognized'],
    ['1.5s', 'failed to parse [1.5s], fractional time values are not supported'],
    ['1.5d', 'failed to parse [1.5d], fractional time values are not supported'],
    ['1e3ms', 'failed to parse [1e3ms], fractional time values are not supported'],
    ['99999999999999999999s', 'failed to parse [99999999999999999999s], fractional time values are not supported'],
    ['xs', 'failed to parse [xs]'],
    ['NaNs', 'failed to parse [NaNs]'],
    ['s', 'failed to parse [s]'],
    ['-2s', 'failed to parse setting [timeout] with value [-2s] as a time value: negative durations are not supported'],
  ])('%j is refused: %s', (raw, reason) => {
    expect(reasonOf(() => parseTimeValue(raw))).toBe(reason);
  });
});

describe('paramAsInt and paramAsBoolean', () => {
  test.each([['0', 0], ['-0', 0], ['+7', 7], ['007', 7], ['2147483647', 2147483647], ['-2147483648', -2147483648], ['٣', 3], ['１２', 12]])('int %j → %d', (raw, value) => {
    expect(paramAsInt('size', raw, 100)).toBe(value);
  });
  test.each(['', ' 1', '1 ', '1.0', '1e3', '0x1', '2147483648', '-2147483649', '+', '-', '\u{1D7D9}', 'abc', '99999999999999999999'])('int %j is refused', (raw) => {
    expect(reasonOf(() => paramAsInt('size', raw, 100))).toBe(`Failed to parse int parameter [size] with value [${raw}]`);
  });
  test.each([
    [undefined, false, false],
    [undefined, true, true],
    ['', false, true],
    [' ', true, true],
    ['\t', false, false],
    ['true', false, true],
    ['false', true, false],
  ])('boolean %j (default %s) → %s', (raw, defaultValue, value) => {
    expect(paramAsBoolean(raw, defaultValue)).toBe(value);
  });
  test.each(['TRUE', 'False', '1', '0', 'yes', ' true', '\u00a0'])('boolean %j is refused', (raw) => {
    expect(reasonOf(() => paramAsBoolean(raw, false))).toBe(`Failed to parse value [${raw}] as only [true] or [false] are allowed.`);
  });
});

describe('unrecognized parameters', () => {
  test('Lucene similarity: 1 - edits / longer length', () => {
    expect(levenshteinSimilarity('forse', 'force')).toBeCloseTo(0.8, 6);
    expect(levenshteinSimilarity('', '')).toBe(1);
    expect(levenshteinSimilarity('a', '')).toBe(0);
  });

  test('sorted names, suggestions above one half, best first then by name', () => {
    const error = unrecognizedParameters('/p', ['zzz', 'dry_rum', 'forse'], ['force', 'dry_run', 'pretty', 'human']);
    expect(error.reason).toBe('request [/p] contains unrecognized parameters: [dry_rum] -> did you mean [dry_run]?, [forse] -> did you mean [force]?, [zzz]');
    expect(unrecognizedParameters('/p', ['abcd'], ['abce', 'abcf', 'abzz']).reason).toBe('request [/p] contains unrecognized parameter: [abcd] -> did you mean any of [abce, abcf]?');
  });
});

describe('the task type in a path', () => {
  const parameter = (document.paths['/_inference/{task_type}/{inference_id}'] as { parameters: Array<{ name: string; schema: { pattern: string } }> }).parameters.find(
    (p) => p.name === 'task_type',
  )!;
  const specPattern = new RegExp(parameter.schema.pattern, 'u');
  const parses = (raw: string) => {
    try {
      parseTaskType(raw);
      return true;
    } catch {
      return false;
    }
  };

  test.each(['text_embedding', 'ANY', ' Rerank\t', 'chat_completıon', 'ſparse_embedding', 'embedding\u0000'])('%j is accepted by both', (raw) => {
    expect({ spec: specPattern.test(raw), server: parses(raw) }).toEqual({ spec: true, server: true });
  });

  test.each(['bogus', 'reran\u212a', 'TEXT_EMBEDD\u0130NG', '\u00a0rerank', 'rerank\u3000', 'text-embedding', '', 'anyy'])('%j is refused by both', (raw) => {
    expect({ spec: specPattern.test(raw), server: parses(raw) }).toEqual({ spec: false, server: false });
  });

  test('spec and server agree on 20,000 seeded near-misses', () => {
    const prng = new Prng(7);
    const names = ['text_embedding', 'sparse_embedding', 'rerank', 'completion', 'chat_completion', 'embedding', 'any'];
    const odd = ['ı', 'İ', 'ſ', '\u212a', 'ß', '\u00a0', ' ', '\t', '\u0000', '\u001f', '\u0085', '_', '-', 'é', 'ﬁ', 'I', 'i'];
    const disagreements: string[] = [];
    for (let n = 0; n < 20_000; n++) {
      let chars = [...prng.pick(names)].map((c) => (prng.chance(0.3) ? c.toUpperCase() : c));
      if (prng.chance(0.6)) chars.splice(prng.int(0, chars.length), prng.int(0, 1), prng.pick(odd));
      if (prng.chance(0.3)) chars = [prng.pick(odd), ...chars, prng.pick(odd)];
      const raw = chars.join('');
      if (specPattern.test(raw) !== parses(raw)) disagreements.push(JSON.stringify(raw));
    }
    expect(disagreements.slice(0, 10)).toEqual([]);
  });
});
