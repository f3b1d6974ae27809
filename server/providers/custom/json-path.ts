/**
 * The JSONPath subset of Elasticsearch's MapPathExtractor: `$` then `.field` and `[*]` steps, e.g.
 * `$.data[*].embedding`. Unlike JSONPath, each `[*]` keeps its own list (`$.a[*].b[*]` is a list of lists). The path
 * is parsed once, by scanning; extraction follows it step by step, so each value of the answer is visited at most
 * once and the work is linear in the answer's size.
 */

export type PathStep = { kind: 'field'; name: string } | { kind: 'all' };

export interface ParsedPath {
  steps: PathStep[];
  /** The field before each `[*]` (Elasticsearch names a list by it in messages). */
  arrayFields: string[];
  lastField: string;
}

export class PathError extends Error {}

const WILDCARD = '[*]';
/** More steps than any answer needs; keeps the step-by-step walk's depth bounded. */
export const MAX_PATH_STEPS = 64;

/** Parses a path, or throws a PathError in Elasticsearch's words. */
export function parsePath(path: string): ParsedPath {
  const cleaned = path.trim();
  if (!cleaned.startsWith('$')) throw new PathError(`Path [${cleaned}] must start with a dollar sign ($)`);
  const steps: PathStep[] = [];
  const arrayFields: string[] = [];
  let position = 1;
  let lastField = '';
  while (position < cleaned.length) {
    if (cleaned[position] === '.') {
      let end = position + 1;
      while (end < cleaned.length && cleaned[end] !== '.' && cleaned[end] !== '[') end++;
      const name = cleaned.slice(position + 1, end);
      if (name === '') throw new PathError(`Invalid path received [${cleaned.slice(position)}], unable to extract a field name.`);
      steps.push({ kind: 'field', name });
      lastField = name;
      position = end;
    } else if (cleaned.startsWith(WILDCARD, position)) {
      steps.push({ kind: 'all' });
      arrayFields.push(lastField);
      position += WILDCARD.length;
    } else {
      throw new PathError(`Invalid path received [${cleaned.slice(position)}], unable to extract a field name.`);
    }
    if (steps.length > MAX_PATH_STEPS) throw new PathError(`Path [${cleaned}] has more than [${MAX_PATH_STEPS}] steps`);
  }
  return { steps, arrayFields, lastField };
}

const typeName = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'ArrayList' : typeof value === 'object' ? 'LinkedHashMap' : typeof value === 'string' ? 'String' : typeof value === 'boolean' ? 'Boolean' : 'Number';

function remaining(steps: readonly PathStep[], from: number): string {
  return steps
    .slice(from)
    .map((step) => (step.kind === 'all' ? WILDCARD : `.${step.name}`))
    .join('');
}

function navigate(current: unknown, steps: readonly PathStep[], index: number): unknown {
  if (current === null || current === undefined || index === steps.length) return current;
  const step = steps[index];
  if (step.kind === 'field') {
    if (typeof current !== 'object' || Array.isArray(current)) {
      throw new PathError(
        `Current path [${remaining(steps, index)}] matched the dot field pattern but the current object is not a map, found invalid type [${typeName(current)}] instead.`,
      );
    }
    const value = Object.hasOwn(current, step.name) ? (current as Record<string, unknown>)[step.name] : undefined;
    if (value === undefined || value === null) throw new PathError(`Unable to find field [${step.name}] in map`);
    return navigate(value, steps, index + 1);
  }
  if (!Array.isArray(current)) {
    throw new PathError(
      `Current path [${remaining(steps, index)}] matched the array field pattern but the current object is not a list, found invalid type [${typeName(current)}] instead.`,
    );
  }
  const results: unknown[] = [];
  for (const item of current) {
    const result = navigate(item, steps, index + 1);
    if (result !== null && result !== undefined) results.push(result);
  }
  return results;
}

/** The value at `path` in a parsed JSON answer (throws a PathError when the answer does not have its shape). */
export function extract(answer: unknown, path: ParsedPath): unknown {
  return navigate(answer, path.steps, 0);
}

/** `typeName` for messages about extracted values. */
export { typeName };
