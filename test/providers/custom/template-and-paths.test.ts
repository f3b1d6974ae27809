/** The custom service's template scanner and JSON paths on their own: Elasticsearch's semantics and messages, and
 * hostile templates, paths and answers that must neither stall nor crash. */
import { extract, MAX_PATH_STEPS, parsePath, PathError } from '../../../server/providers/custom/json-path';
import { parseCompletion, parseRerank, parseSparseEmbeddings, parseTextEmbeddings } from '../../../server/providers/custom/parsers';
import { placeholders, substitute, UnknownPlaceholderError } from '../../../server/providers/custom/template';

const values = new Map([
  ['input', '["a"]'],
  ['api_key', 'secret'],
]);

describe('templates', () => {
  test('known placeholders are replaced, text around them kept', () => {
    expect(substitute('{"input": ${input}, "k": "${api_key}"}', values, 'request')).toBe('{"input": ["a"], "k": "secret"}');
  });

  test('an unknown placeholder names itself and the setting, as ValidatingSubstitutor does', () => {
    expect(() => substitute('x ${nope} ${input}', values, 'header.Authorization')).toThrow(
      new UnknownPlaceholderError('${nope}', 'header.Authorization'),
    );
    expect(() => substitute('${nope}', values, 'url')).toThrow(
      'Found placeholder [${nope}] in field [url] after replacement call, please check that all templates have a corresponding field definition.',
    );
  });

  test('a value holding a placeholder is not scanned again', () => {
    const tricky = new Map([['input', '["${api_key}"]'], ['api_key', 'secret']]);
    expect(substitute('${input}', tricky, 'request')).toBe('["${api_key}"]');
  });

  test('an unclosed `${` is text', () => {
    expect(substitute('a ${input', values, 'request')).toBe('a ${input');
    expect(placeholders('${a} ${b} ${c')).toEqual(['a', 'b']);
  });

  test('a huge template of placeholders is filled in one pass (no regex, no backtracking)', () => {
    const template = '${input},'.repeat(200_000) + '${';
    const filled = substitute(template, values, 'request');
    expect(filled.length).toBe('["a"],'.length * 200_000 + 2);
  });
});

describe('JSON paths', () => {
  test('the subset Elasticsearch accepts', () => {
    expect(parsePath('$.data[*].embedding').steps).toEqual([{ kind: 'field', name: 'data' }, { kind: 'all' }, { kind: 'field', name: 'embedding' }]);
    expect(() => parsePath('data')).toThrow('Path [data] must start with a dollar sign ($)');
    expect(() => parsePath('$.a..b')).toThrow('Invalid path received [..b], unable to extract a field name.');
    expect(() => parsePath('$.a[0]')).toThrow('Invalid path received [[0]], unable to extract a field name.');
    expect(() => parsePath('$..a')).toThrow(PathError);
  });

  test('each [*] keeps its own list', () => {
    const answer = { result: [{ key: [{ a: 1.1 }, { a: 2.2 }] }, { key: [{ a: 3.3 }, { a: 4.4 }] }] };
    expect(extract(answer, parsePath('$.result[*].key[*].a'))).toEqual([[1.1, 2.2], [3.3, 4.4]]);
  });

  test("Elasticsearch's messages for an answer of another shape", () => {
    expect(() => extract({ a: 1 }, parsePath('$.b'))).toThrow('Unable to find field [b] in map');
    expect(() => extract({ a: [1] }, parsePath('$.a.b'))).toThrow(
      'Current path [.b] matched the dot field pattern but the current object is not a map, found invalid type [ArrayList] instead.',
    );
    expect(() => extract({ a: {} }, parsePath('$.a[*]'))).toThrow(
      'Current path [[*]] matched the array field pattern but the current object is not a list, found invalid type [LinkedHashMap] instead.',
    );
  });

  test('inherited names are not fields of the answer', () => {
    expect(() => extract({}, parsePath('$.constructor'))).toThrow('Unable to find field [constructor] in map');
    expect(() => extract({ a: [] }, parsePath('$.a.__proto__'))).toThrow(PathError);
  });

  test('a path of too many steps is refused; a long hostile path is parsed in linear time', () => {
    expect(() => parsePath('$' + '[*]'.repeat(MAX_PATH_STEPS + 1))).toThrow(`has more than [${MAX_PATH_STEPS}] steps`);
    expect(() => parsePath('$' + '.'.repeat(1_000_000))).toThrow(PathError);
    expect(() => parsePath('$.a' + '['.repeat(1_000_000))).toThrow(PathError);
  });

  test('a deep or wide answer is walked once per value', () => {
    let deep: unknown = [1];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(() => extract(deep, parsePath('$' + '[*]'.repeat(MAX_PATH_STEPS)))).not.toThrow();
    const wide = { data: Array.from({ length: 200_000 }, (_, i) => ({ embedding: [i] })) };
    expect((extract(wide, parsePath('$.data[*].embedding')) as unknown[]).length).toBe(200_000);
  });
});

describe('response parsers', () => {
  test('text embeddings: floats, bytes narrowed as Java does', () => {
    const answer = { data: [{ embedding: [0.5, 1] }, { embedding: [2, 3] }] };
    expect(parseTextEmbeddings(answer, '$.data[*].embedding', 'float')).toEqual({ text_embedding: [{ embedding: [0.5, 1] }, { embedding: [2, 3] }] });
    expect(parseTextEmbeddings({ e: [[300, -129]] }, '$.e', 'bit')).toEqual({ text_embedding_bits: [{ embedding: [44, 127] }] });
    expect(() => parseTextEmbeddings({ data: {} }, '$.data', 'float')).toThrow(
      'Extracted field [data] is an invalid type, expected a list but received [LinkedHashMap]',
    );
  });

  test('sparse embeddings: token ids as strings, sizes must agree', () => {
    const answer = { r: [{ t: [{ id: 7, w: 0.5 }] }] };
    expect(parseSparseEmbeddings(answer, '$.r[*].t[*].id', '$.r[*].t[*].w')).toEqual({ sparse_embedding: [{ is_truncated: false, embedding: { '7': 0.5 } }] });
    expect(() => parseSparseEmbeddings({ t: [[1]], w: [[1], [2]] }, '$.t', '$.w')).toThrow(
      'The extracted tokens list is size [1] but the weights list is size [2]. The list sizes must be equal.',
    );
    expect(() => parseSparseEmbeddings({ t: [['a']], w: [['x']] }, '$.t', '$.w')).toThrow(
      'Failed to parse sparse embedding entry [0], error: Failed to parse weight item: [0] of array, error: Unable to convert field [w] of type [String] to Number',
    );
  });

  test('rerank: indices and documents must match the scores', () => {
    const answer = { r: [{ i: 1, s: 0.2, d: 'b' }, { i: 0, s: 0.9, d: 'a' }] };
    expect(parseRerank(answer, { relevance_score: '$.r[*].s', reranked_index: '$.r[*].i', document_text: '$.r[*].d' })).toEqual([
      { index: 1, relevance_score: 0.2, text: 'b' },
      { index: 0, relevance_score: 0.9, text: 'a' },
    ]);
    expect(parseRerank({ s: [0.3, 0.1] }, { relevance_score: '$.s' })).toEqual([
      { index: 0, relevance_score: 0.3 },
      { index: 1, relevance_score: 0.1 },
    ]);
    expect(() => parseRerank({ s: [1], i: [0, 1] }, { relevance_score: '$.s', reranked_index: '$.i' })).toThrow(
      'The number of index fields [2] was not the same as the number of scores [1]',
    );
    expect(() => parseRerank({ x: 1 }, { relevance_score: '$.s' })).toThrow('Failed to parse rerank scores, error: Unable to find field [s] in map');
  });

  test('completion: one string or a list of them', () => {
    expect(parseCompletion({ choices: [{ text: 'a' }, { text: 'b' }] }, '$.choices[*].text')).toEqual({ completion: [{ result: 'a' }, { result: 'b' }] });
    expect(parseCompletion({ result: { text: 'hi' } }, '$.result.text')).toEqual({ completion: [{ result: 'hi' }] });
    expect(() => parseCompletion({ c: [1] }, '$.c')).toThrow('Failed to parse list entry [0], error: Unable to convert field [c] of type [Number] to [String]');
  });
});
