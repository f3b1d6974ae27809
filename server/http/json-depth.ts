/** Refuses a JSON body nested deeper than Elasticsearch's parser allows, before anything recursive walks it. */
export const MAX_NESTING_DEPTH = 1000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x5b, 0x7b]);
const CLOSE = new Set([0x5d, 0x7d]);

/** The depth at which the document first exceeds the limit, or undefined; one linear pass, strings skipped. */
export function excessNestingDepth(buffer: Uint8Array, max = MAX_NESTING_DEPTH): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buffer.length; i++) {
    const byte = buffer[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (OPEN.has(byte)) {
      if (++depth > max) return depth;
    } else if (CLOSE.has(byte)) depth--;
  }
  return undefined;
}

/** Thrown from the body parser's verify hook; the error middleware answers it as a parse error. */
export function nestingDepthError(depth: number): Error {
  return Object.assign(
    new Error(`Document nesting depth (${depth}) exceeds the maximum allowed (${MAX_NESTING_DEPTH}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`),
    { type: 'entity.too.deep' },
  );
}
