/**
 * Elasticsearch's custom response parsers (TextEmbeddingResponseParser, SparseEmbeddingResponseParser,
 * RerankResponseParser, CompletionResponseParser over BaseCustomResponseParser): the answer's values at the
 * configured paths, turned into the task's result, with their messages when the answer does not fit.
 */
import type { CompletionResult, RerankResult, SparseEmbeddingResult, TextEmbeddingResult } from '../types';
import { extract, parsePath, PathError, typeName, type ParsedPath } from './json-path';

function validateList(value: unknown, field: string): unknown[] {
  if (value === null || value === undefined) throw new PathError(`Failed to parse field [${field}], extracted field was null`);
  if (!Array.isArray(value)) throw new PathError(`Extracted field [${field}] is an invalid type, expected a list but received [${typeName(value)}]`);
  return value;
}

function toNumber(value: unknown, field: string): number {
  if (typeof value !== 'number') throw new PathError(`Unable to convert field [${field}] of type [${typeName(value)}] to Number`);
  return value;
}

function castList<T>(items: unknown[], convert: (item: unknown) => T): T[] {
  return items.map((item, i) => {
    try {
      return convert(item);
    } catch (error) {
      throw new PathError(`Failed to parse list entry [${i}], error: ${(error as Error).message}`);
    }
  });
}

const numbers = (value: unknown, field: string) => castList(validateList(value, field), (item) => toNumber(item, field));

/** Java's (int) of a number: truncated, kept in 32 bits as Number.intValue() does for whole values. */
const toInteger = (value: number) => Math.trunc(value) | 0;

/** Java's byte narrowing (Number.byteValue()), for byte and bit embeddings. */
const toByte = (value: number) => (Math.trunc(value) << 24) >> 24;

/** Elasticsearch's name of the list a `[*]` step makes: the field before it, else the path's last field. */
function field(path: ParsedPath, index: number): string {
  return path.arrayFields[index] ?? path.lastField;
}

export type EmbeddingType = 'float' | 'byte' | 'bit' | 'binary';

export function parseTextEmbeddings(answer: unknown, path: string, embeddingType: EmbeddingType): TextEmbeddingResult {
  const parsed = parsePath(path);
  const entries = validateList(extract(answer, parsed), field(parsed, 0));
  const vectors = entries.map((entry, i) => {
    try {
      const values = numbers(entry, field(parsed, 1));
      return embeddingType === 'float' ? values : values.map(toByte);
    } catch (error) {
      throw new PathError(`Failed to parse text embedding entry [${i}], error: ${(error as Error).message}`);
    }
  });
  const embeddings = vectors.map((embedding) => ({ embedding }));
  if (embeddingType === 'float') return { text_embedding: embeddings };
  return embeddingType === 'byte' ? { text_embedding_bytes: embeddings } : { text_embedding_bits: embeddings };
}

function sameSize(tokens: unknown[], weights: unknown[]): void {
  if (tokens.length !== weights.length) {
    throw new PathError(
      `The extracted tokens list is size [${tokens.length}] but the weights list is size [${weights.length}]. The list sizes must be equal.`,
    );
  }
}

export function parseSparseEmbeddings(answer: unknown, tokenPath: string, weightPath: string): SparseEmbeddingResult {
  const tokenParsed = parsePath(tokenPath);
  const weightParsed = parsePath(weightPath);
  const tokens = validateList(extract(answer, tokenParsed), field(tokenParsed, 0));
  const weights = validateList(extract(answer, weightParsed), field(weightParsed, 0));
  sameSize(tokens, weights);
  const weightField = field(weightParsed, 1);
  const sparse = tokens.map((entry, i) => {
    try {
      const tokenList = validateList(entry, field(tokenParsed, 1));
      const weightList = validateList(weights[i], weightField);
      sameSize(tokenList, weightList);
      const embedding: Record<string, number> = {};
      tokenList.forEach((token, j) => {
        try {
          embedding[String(token)] = toNumber(weightList[j], weightField);
        } catch (error) {
          throw new PathError(`Failed to parse weight item: [${j}] of array, error: ${(error as Error).message}`);
        }
      });
      return { is_truncated: false, embedding };
    } catch (error) {
      throw new PathError(`Failed to parse sparse embedding entry [${i}], error: ${(error as Error).message}`);
    }
  });
  return { sparse_embedding: sparse } as SparseEmbeddingResult;
}

function tryOrSay<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new PathError(`Failed to parse rerank ${what}, error: ${(error as Error).message}`);
  }
}

export interface RerankPaths {
  relevance_score: string;
  reranked_index?: string;
  document_text?: string;
}

export interface RankedDoc {
  index: number;
  relevance_score: number;
  text?: string;
}

export function parseRerank(answer: unknown, paths: RerankPaths): RankedDoc[] {
  const scores = tryOrSay('scores', () => {
    const parsed = parsePath(paths.relevance_score);
    return numbers(extract(answer, parsed), field(parsed, 0));
  });
  const indices =
    paths.reranked_index === undefined
      ? undefined
      : tryOrSay('indices', () => {
          const parsed = parsePath(paths.reranked_index!);
          return numbers(extract(answer, parsed), field(parsed, 0)).map(toInteger);
        });
  const documents =
    paths.document_text === undefined
      ? undefined
      : tryOrSay('documents', () => {
          const parsed = parsePath(paths.document_text!);
          const name = field(parsed, 0);
          return castList(validateList(extract(answer, parsed), name), (item) => {
            if (typeof item !== 'string') throw new PathError(`Unable to convert field [${name}] of type [${typeName(item)}] to [String]`);
            return item;
          });
        });
  if (indices && indices.length !== scores.length) {
    throw new PathError(`The number of index fields [${indices.length}] was not the same as the number of scores [${scores.length}]`);
  }
  if (documents && documents.length !== scores.length) {
    throw new PathError(`The number of document fields [${documents.length}] was not the same as the number of scores [${scores.length}]`);
  }
  return scores.map((score, i) => ({
    index: indices ? indices[i] : i,
    relevance_score: score,
    ...(documents ? { text: documents[i] } : {}),
  }));
}

export function parseCompletion(answer: unknown, path: string): CompletionResult {
  const parsed = parsePath(path);
  const value = extract(answer, parsed);
  if (typeof value === 'string') return { completion: [{ result: value }] };
  const name = field(parsed, 0);
  const results = castList(validateList(value, name), (item) => {
    if (typeof item !== 'string') throw new PathError(`Unable to convert field [${name}] of type [${typeName(item)}] to [String]`);
    return item;
  });
  return { completion: results.map((result) => ({ result })) };
}

export type { RerankResult };
