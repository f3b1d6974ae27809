/** The optional `infergate.json` beside a model: overrides for what the engine would otherwise read from the ONNX
 * graph and the tokenizer files. Every field is optional (README: "Models directory"). */
import { z } from 'zod';

export const MANIFEST_FILE = 'infergate.json';

export const ModelManifest = z
  .object({
    task_type: z.enum(['text_embedding', 'sparse_embedding', 'rerank']).optional(),
    /** The graph output to read; by default the engine picks one (see model-plan.ts). */
    output: z.string().min(1).optional(),
    /** `none`: the output is already one vector per input. */
    pooling: z.enum(['mean', 'cls', 'none']).optional(),
    normalize: z.boolean().optional(),
    similarity: z.enum(['cosine', 'dot_product', 'l2_norm']).optional(),
    max_sequence_length: z.number().int().positive().optional(),
    /** Text put before each input by `input_type`, as in Elasticsearch's trained model config (e5: `query: `). */
    prefix_strings: z.object({ search: z.string().optional(), ingest: z.string().optional() }).strict().optional(),
    /** Rerank: `sigmoid` turns the logit into a relevance in (0, 1); `raw` keeps the logit. */
    score: z.enum(['sigmoid', 'raw']).optional(),
  })
  .strict();

export type ModelManifest = z.infer<typeof ModelManifest>;
