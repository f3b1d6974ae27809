/**
 * Reading the endpoint's answers: the `elastic` api's are Elasticsearch's own result JSON, read strictly (an unknown
 * field fails, as its parsers' IGNORE_UNKNOWN_FIELDS = false); the `openai` api's are OpenAI's embeddings and chat
 * answers. Whatever does not read is SageMakerSchema's "Failed to translate" error.
 */
import { z } from 'zod';
import { shortestFloat32 } from '../../inference/float32-format';
import { chatCompletionResponseSchema, embeddingsResponseSchema } from '../openai-compatible/schemas';
import type { CompletionResult, RerankResult, SparseEmbeddingResult } from '../types';
import { untranslatable } from './errors';
import { chosenUnion } from '../kit/chosen-union';

const float = z.number().transform(shortestFloat32);
const byte = z.number().int().min(-128).max(127);

const vectors = <T extends z.ZodTypeAny>(key: string, value: T) =>
  z.object({ [key]: z.array(z.object({ embedding: z.array(value) }).strict()) }).strict();

const ELASTIC_EMBEDDINGS = {
  float: vectors('text_embedding', float),
  byte: vectors('text_embedding_bytes', byte),
  bit: vectors('text_embedding_bits', byte),
} as const;

export type ElementType = keyof typeof ELASTIC_EMBEDDINGS;

const sparseSchema = z
  .object({
    sparse_embedding: z.array(z.object({ is_truncated: z.boolean(), embedding: z.record(float) }).strict()),
  })
  .strict();

const rerankSchema = z
  .object({
    rerank: z.array(z.object({ index: z.number().int().nonnegative(), relevance_score: float, text: z.string().optional() }).strict()),
  })
  .strict();

const completionSchema = z.object({ completion: z.array(z.object({ result: z.string() }).strict()) }).strict();

/** A streamed completion chunk: `completion` a list of deltas, or one (Elasticsearch takes a single value too). */
const deltaSchema = z.object({ delta: z.string() }).strict();
const deltasSchema = z.array(deltaSchema);
export const elasticCompletionChunkSchema = z
  .object({ completion: chosenUnion((value) => (Array.isArray(value) ? deltasSchema : deltaSchema), 'a list of deltas or one') })
  .strict();

function parse<S extends z.ZodTypeAny>(text: string, schema: S, what: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw untranslatable(`the ${what} is not valid JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw untranslatable(`the ${what} does not have the expected shape: ${parsed.error.issues[0]?.path.join('.') || 'the document'}`);
  return parsed.data;
}

/** The answer holds one result per input, as the batches need. */
function counted<T>(results: T[], expected: number): T[] {
  if (results.length !== expected) throw untranslatable(`expected [${expected}] results but the response had [${results.length}]`);
  return results;
}

export function elasticEmbeddings(text: string, elementType: ElementType, inputs: number): Array<{ embedding: number[] }> {
  const answer = parse(text, ELASTIC_EMBEDDINGS[elementType], 'text embedding response') as Record<string, Array<{ embedding: number[] }>>;
  return counted(Object.values(answer)[0], inputs);
}

export function openAiEmbeddings(text: string, inputs: number): Array<{ embedding: number[] }> {
  const answer = parse(text, embeddingsResponseSchema, 'OpenAI embeddings response');
  return counted(answer.data.map(({ embedding }) => ({ embedding: embedding.map(shortestFloat32) })), inputs);
}

export function elasticSparse(text: string, inputs: number): SparseEmbeddingResult['sparse_embedding'] {
  return counted(parse(text, sparseSchema, 'sparse embedding response').sparse_embedding, inputs);
}

/** RankedDocsResults as the endpoint gave them: its order, its `top_n`. */
export function elasticRerank(text: string, inputs: number): RerankResult {
  const { rerank } = parse(text, rerankSchema, 'rerank response');
  if (rerank.some(({ index }) => index >= inputs)) throw untranslatable(`a reranked index is not the index of an input (${inputs} given)`);
  return { rerank: rerank.map(({ index, relevance_score, text: doc }) => (doc === undefined ? { index, relevance_score } : { index, relevance_score, text: doc })) };
}

export const elasticCompletion = (text: string): CompletionResult => parse(text, completionSchema, 'completion response');

/** OpenAiChatCompletionResponseEntity: the first choice's message. */
export function openAiCompletion(text: string): CompletionResult {
  const answer = parse(text, chatCompletionResponseSchema, 'OpenAI chat completions response');
  return { completion: [{ result: answer.choices[0].message.content ?? '' }] };
}
