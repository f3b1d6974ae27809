/** The kit's reader of newline-delimited streams (Cohere's V1 chat stream): lines split across chunks and bytes,
 * CRLF endings, blank lines, and a last line without its newline. */
import { nonBlankLines } from '../../../server/providers/kit/upstream-lines';

async function linesOf(chunks: Array<Buffer | string>): Promise<string[]> {
  async function* body() {
    yield* chunks;
  }
  const lines: string[] = [];
  for await (const line of nonBlankLines(body())) lines.push(line);
  return lines;
}

test('lines split across chunks, and a character split across bytes, are joined', async () => {
  const euro = Buffer.from('{"text":"5 €"}\n', 'utf8');
  const cut = euro.indexOf(0xe2) + 1;
  expect(await linesOf(['{"a":', '1}\n{"b"', ':2}\n', euro.subarray(0, cut), euro.subarray(cut)])).toEqual(['{"a":1}', '{"b":2}', '{"text":"5 €"}']);
});

test('CRLF endings and blank lines are dropped; a last line without a newline is kept', async () => {
  expect(await linesOf(['{"a":1}\r\n\r\n\n  \n{"b":2}'])).toEqual(['{"a":1}', '{"b":2}']);
  expect(await linesOf([])).toEqual([]);
});
