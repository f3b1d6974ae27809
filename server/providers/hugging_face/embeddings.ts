/** Hugging Face text embeddings (HuggingFaceEmbeddingsResponseEntity): `{"inputs":[..]}` in; out, either an array of
 * vectors (e.g. intfloat/e5-small-v2) or `{"embeddings": [vectors]}` (e.g. multilingual-e5-small), in input order. */
import { z } from 'zod';
import { numberArray } from '../kit/number-array';
import type { VectorReader } from '../openai-compatible/embedding-model';

const vectors = z.array(numberArray());

export const huggingFaceEmbeddingsSchema = z
  .union([vectors, z.object({ embeddings: vectors })])
  .describe('Failed to find required field [embeddings] in Hugging Face embeddings response');

export const huggingFaceVectors: VectorReader<typeof huggingFaceEmbeddingsSchema> = {
  schema: huggingFaceEmbeddingsSchema,
  vectors(answer, inputCount) {
    const list = Array.isArray(answer) ? answer : answer.embeddings;
    return list.length === inputCount ? list : undefined;
  },
};
