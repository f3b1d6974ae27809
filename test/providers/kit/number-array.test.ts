/**
 * numberArray() (server/providers/kit/number-array.ts) must read every answer as `z.array(z.number())` reads it —
 * the same successes, the same issues with the same paths, alone and inside the unions and objects the services'
 * answer schemas put it in — while handing a good vector back without copying it.
 */
import { z } from 'zod';
import { numberArray } from '../../../server/providers/kit/number-array';
import { Prng } from '../../support/fuzz/prng';

const itemByItem = z.array(z.number());

const INPUTS: unknown[] = [
  [],
  [0.1, -2, 3e-40, 1e308],
  JSON.parse('[1e400, -1e400]'),
  [1, '2', 3],
  [1, null],
  [NaN],
  [1, [2]],
  [{ value: 1 }],
  'AACAPw==',
  null,
  undefined,
  { 0: 1, length: 1 },
  42,
];

/** The outcome of a parse as data: the value, or the issues (code, path, message). */
function outcome(schema: z.ZodTypeAny, input: unknown) {
  const parsed = schema.safeParse(input);
  return parsed.success ? { value: parsed.data as unknown } : { issues: parsed.error.issues };
}

describe('numberArray', () => {
  test.each(INPUTS.map((input) => [JSON.stringify(input) ?? String(input), input]))('reads %s as z.array(z.number()) does', (_name, input) => {
    expect(outcome(numberArray(), input)).toEqual(outcome(itemByItem, input));
    // Where the services put it: in an answer object, and in a union with base64 strings.
    const answer = (vector: z.ZodTypeAny) => z.object({ data: z.array(z.object({ index: z.number(), embedding: z.union([vector, z.string()]) })) });
    const document = { data: [{ index: 0, embedding: input }] };
    expect(outcome(answer(numberArray()), document)).toEqual(outcome(answer(itemByItem), document));
  });

  test('random vectors with a bad component anywhere fail at that component', () => {
    const random = new Prng(12);
    for (let round = 0; round < 200; round++) {
      const vector: unknown[] = Array.from({ length: random.int(1, 64) }, () => random.next() * 2 - 1);
      if (round % 2 === 1) vector[random.int(0, vector.length - 1)] = random.pick(['0.5', null, true, {}, [], NaN]);
      expect(outcome(numberArray(), vector)).toEqual(outcome(itemByItem, vector));
    }
  });

  test('a good vector comes back as it is, not copied', () => {
    const vector = [0.25, -0.5, 1];
    const parsed = numberArray().safeParse(vector);
    expect(parsed.success && parsed.data).toBe(vector);
  });
});
