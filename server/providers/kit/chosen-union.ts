/**
 * Unions read by choosing the branch first. zod's `z.union` parses every branch in turn and builds the issues of
 * each one that fails — on every chunk of a stream whose events are not all of the first branch. Here a cheap check
 * picks the one branch to parse with, and a value that fits none fails with a single issue.
 */
import { z } from 'zod';

/** Parses with the branch `choose` picks (undefined: none fits). */
export function chosenUnion<T extends z.ZodTypeAny>(choose: (value: unknown) => T | undefined, expected: string): z.ZodType<z.infer<T>> {
  return z.unknown().transform((value, context) => {
    const parsed = choose(value)?.safeParse(value);
    if (parsed?.success) return parsed.data as z.infer<T>;
    context.addIssue({ code: z.ZodIssueCode.custom, message: expected });
    return z.NEVER;
  });
}

/** The one key of a JSON object (undefined for anything else, or more keys or none). */
function onlyKey(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  let found: string | undefined;
  for (const key in value) {
    if (found !== undefined) return undefined;
    found = key;
  }
  return found;
}

/** Objects of one key each, told apart by it (the events of an AWS event stream: `{"contentBlockDelta": {...}}`). */
export function keyedUnion<T extends z.AnyZodObject>(branches: readonly T[]): z.ZodType<z.infer<T>> {
  const byKey = new Map(branches.map((branch) => [Object.keys(branch.shape)[0], branch]));
  return chosenUnion((value) => byKey.get(onlyKey(value) ?? ''), `one of [${[...byKey.keys()].join(', ')}]`);
}
