/** Unions whose branch is chosen before parsing: only that branch runs, and what fits none fails with one issue. */
import { z } from 'zod';
import { chosenUnion, keyedUnion } from '../../../server/providers/kit/chosen-union';

/** A branch that counts how often it is tried. */
function counted<T extends z.ZodTypeAny>(schema: T) {
  const tries = { count: 0 };
  const branch = schema.superRefine(() => void tries.count++);
  return { branch, tries };
}

describe('keyedUnion', () => {
  const start = counted(z.object({ role: z.string() }));
  const delta = counted(z.object({ text: z.string() }));
  const events = keyedUnion([z.object({ messageStart: start.branch }).strict(), z.object({ contentBlockDelta: delta.branch }).strict()]);

  beforeEach(() => {
    start.tries.count = 0;
    delta.tries.count = 0;
  });

  test('parses with the branch its key names, and tries no other', () => {
    expect(events.parse({ contentBlockDelta: { text: 'hi' } })).toEqual({ contentBlockDelta: { text: 'hi' } });
    expect(delta.tries.count).toBe(1);
    expect(start.tries.count).toBe(0);
  });

  test.each([
    ['an unknown key', { exception: { message: 'boom' } }],
    ['two keys', { messageStart: { role: 'assistant' }, contentBlockDelta: { text: 'hi' } }],
    ['no key', {}],
    ['an array', [{ messageStart: { role: 'assistant' } }]],
    ['a string', 'messageStart'],
    ['null', null],
  ])('%s fits no branch: one issue', (_name, value) => {
    const parsed = events.safeParse(value);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([expect.objectContaining({ message: 'one of [messageStart, contentBlockDelta]' })]);
    expect(start.tries.count + delta.tries.count).toBe(0);
  });

  test('the chosen branch still rejects a wrong payload', () => {
    expect(events.safeParse({ messageStart: { role: 7 } }).success).toBe(false);
  });
});

describe('chosenUnion', () => {
  const one = z.object({ delta: z.string() }).strict();
  const list = z.array(one);
  const completion = chosenUnion((value) => (Array.isArray(value) ? list : one), 'a list of deltas or one');

  test('a list and a single value both read', () => {
    expect(completion.parse([{ delta: 'a' }, { delta: 'b' }])).toEqual([{ delta: 'a' }, { delta: 'b' }]);
    expect(completion.parse({ delta: 'a' })).toEqual({ delta: 'a' });
  });

  test('neither: one issue naming what was expected', () => {
    const parsed = completion.safeParse({ delta: 1 });
    expect(parsed.error?.issues.map((issue) => issue.message)).toEqual(['a list of deltas or one']);
  });
});
