/**
 * A zod schema for a JSON array of numbers (an embedding) that checks a good one in a single loop and hands it back
 * as it is. `z.array(z.number())` walks each float through zod's parser and copies the array: for a 1536-float
 * answer that was most of the cost of reading it, and much of the garbage. A bad array goes to that same schema, so
 * that a failure reads exactly as before (its issues, their paths, and how a union around it chooses).
 */
import { z } from 'zod';

function isNumberArray(value: unknown): value is number[] {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item !== 'number' || Number.isNaN(item)) return false;
  }
  return true;
}

class ZodNumberArray extends z.ZodType<number[], z.ZodTypeDef, unknown> {
  private readonly itemByItem = z.array(z.number());

  _parse(input: z.ParseInput): z.ParseReturnType<number[]> {
    if (isNumberArray(input.data)) return { status: 'valid', value: input.data };
    return this.itemByItem._parse(input);
  }
}

export const numberArray = (): z.ZodType<number[], z.ZodTypeDef, unknown> => new ZodNumberArray({});
