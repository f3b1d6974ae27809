/** How long the custom service's template scanner and JSON paths take on large and hostile inputs (not a test). */
import { extract, parsePath } from '../server/providers/custom/json-path';
import { parseTextEmbeddings } from '../server/providers/custom/parsers';
import { substitute } from '../server/providers/custom/template';

function time(label: string, run: () => unknown): void {
  const start = process.hrtime.bigint();
  try {
    run();
  } catch {
    // refusals are timed too
  }
  console.log(`${label}: ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(1)} ms`);
}

const values = new Map([['input', JSON.stringify(Array.from({ length: 100 }, (_, i) => `text ${i}`))]]);
time('template of 1 MB with 100k placeholders', () => substitute('${input} '.repeat(100_000).slice(0, 1_000_000), values, 'request'));
time('template of 1 MB of unclosed ${', () => substitute('${'.repeat(500_000), values, 'request'));
time('path of 1 MB of dots', () => parsePath('$' + '.'.repeat(1_000_000)));
time('path of 1 MB of [', () => parsePath('$.a' + '['.repeat(1_000_000)));
const wide = { data: Array.from({ length: 10_000 }, () => ({ embedding: Array.from({ length: 1024 }, () => Math.random()) })) };
time('10k vectors of 1024 floats through $.data[*].embedding', () => parseTextEmbeddings(wide, '$.data[*].embedding', 'float'));
let deep: unknown = 1;
for (let i = 0; i < 5000; i++) deep = [deep];
time('64 [*] steps over a 5000-deep answer', () => extract(deep, parsePath('$' + '[*]'.repeat(64))));
