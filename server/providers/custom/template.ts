/**
 * `${name}` templates filled in by a plain left-to-right scan (Elasticsearch's ValidatingSubstitutor over Apache's
 * StringSubstitutor): a known name is replaced by its value, which is inserted as it is and never scanned again, so
 * an input holding `${api_key}` stays text. A placeholder left unknown is an error naming the setting.
 */

export class UnknownPlaceholderError extends Error {
  constructor(
    readonly placeholder: string,
    readonly field: string,
  ) {
    super(
      `Found placeholder [${placeholder}] in field [${field}] after replacement call, please check that all templates have a corresponding field definition.`,
    );
  }
}

const PREFIX = '${';
const SUFFIX = '}';

/** `template` with each `${name}` that `values` holds replaced; throws UnknownPlaceholderError for any other. */
export function substitute(template: string, values: ReadonlyMap<string, string>, field: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const start = template.indexOf(PREFIX, from);
    if (start < 0) break;
    const end = template.indexOf(SUFFIX, start + PREFIX.length);
    if (end < 0) break;
    const name = template.slice(start + PREFIX.length, end);
    const value = values.get(name);
    if (value === undefined) throw new UnknownPlaceholderError(template.slice(start, end + 1), field);
    out += template.slice(from, start) + value;
    from = end + 1;
  }
  return out + template.slice(from);
}

/** The names of the `${name}` placeholders of a template, in order. */
export function placeholders(template: string): string[] {
  const names: string[] = [];
  let from = 0;
  for (;;) {
    const start = template.indexOf(PREFIX, from);
    if (start < 0) return names;
    const end = template.indexOf(SUFFIX, start + PREFIX.length);
    if (end < 0) return names;
    names.push(template.slice(start + PREFIX.length, end));
    from = end + 1;
  }
}
