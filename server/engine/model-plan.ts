/**
 * Decides how to run a model from the shapes of its outputs (seen on a one-input probe run), the size of its
 * vocabulary and the optional manifest:
 * - `[batch, 1]`: a cross-encoder's single logit → rerank;
 * - `[batch, vocab]`: sparse weights already pooled in the graph → sparse_embedding;
 * - `[batch, dims]`: a pooled sentence embedding → text_embedding (preferred over token embeddings);
 * - `[batch, seq, dims]`: token embeddings → text_embedding, mean-pooled over the attention mask;
 * - `[batch, seq, vocab]`: unpooled SPLADE logits → refused (pooling them in JavaScript would be far too slow).
 */
import type { ModelManifest } from './model-manifest';

export type LocalTaskType = 'text_embedding' | 'sparse_embedding' | 'rerank';

export interface OutputShape {
  name: string;
  dims: readonly number[];
}

export interface ModelPlan {
  taskType: LocalTaskType;
  output: string;
  pooling: 'mean' | 'cls' | 'none';
  normalize: boolean;
  dimensions?: number;
  similarity?: 'cosine' | 'dot_product' | 'l2_norm';
  score: 'sigmoid' | 'raw';
  maxSequenceLength: number;
  prefixes: { search?: string; ingest?: string };
}

export class UnsupportedModelError extends Error {}

/** Names under which exporters publish a pooled sentence embedding. `pooler_output` is not one of them: BERT's
 * pooler is a classification head, not the embedding sentence-transformers models are trained for. */
const POOLED_NAMES = ['sentence_embedding', 'sentence_embeddings', 'embeddings', 'text_embeds', 'pooled_embedding'];

type Kind = 'single_logit' | 'pooled_sparse' | 'pooled_dense' | 'token_dense' | 'token_vocab' | 'other';

function kindOf(shape: OutputShape, vocabSize: number): Kind {
  const last = shape.dims[shape.dims.length - 1];
  if (shape.dims.length === 2) {
    if (last === 1) return 'single_logit';
    if (last === vocabSize) return 'pooled_sparse';
    return shape.name === 'pooler_output' ? 'other' : 'pooled_dense';
  }
  if (shape.dims.length === 3) return last === vocabSize ? 'token_vocab' : 'token_dense';
  return 'other';
}

const TASK_OF: Record<Kind, LocalTaskType | undefined> = {
  single_logit: 'rerank',
  pooled_sparse: 'sparse_embedding',
  pooled_dense: 'text_embedding',
  token_dense: 'text_embedding',
  token_vocab: undefined,
  other: undefined,
};

function pickOutput(outputs: readonly OutputShape[], vocabSize: number, manifest: ModelManifest): { shape: OutputShape; kind: Kind } {
  const described = outputs.map((shape) => ({ shape, kind: kindOf(shape, vocabSize) }));
  if (manifest.output) {
    const chosen = described.find(({ shape }) => shape.name === manifest.output);
    if (!chosen) throw new UnsupportedModelError(`the manifest names output [${manifest.output}] but the model has [${outputs.map((o) => o.name).join(', ')}]`);
    return chosen;
  }
  const usable = described.filter(({ kind }) => {
    const task = TASK_OF[kind];
    return task !== undefined && (!manifest.task_type || manifest.task_type === task);
  });
  const preference: Kind[] = ['single_logit', 'pooled_sparse', 'pooled_dense', 'token_dense'];
  usable.sort((a, b) => {
    const byKind = preference.indexOf(a.kind) - preference.indexOf(b.kind);
    if (byKind !== 0) return byKind;
    return Number(POOLED_NAMES.includes(b.shape.name)) - Number(POOLED_NAMES.includes(a.shape.name));
  });
  if (usable[0]) return usable[0];
  const splade = described.find(({ kind }) => kind === 'token_vocab');
  if (splade) {
    throw new UnsupportedModelError(
      `output [${splade.shape.name}] holds per-token vocabulary logits [batch, sequence, ${vocabSize}] (an unpooled SPLADE model); ` +
        'export the model with the pooling inside the graph (max over tokens of log(1 + relu(logits)) x attention_mask) so that it outputs [batch, vocabulary]',
    );
  }
  const shapes = outputs.map((o) => `${o.name} [${o.dims.join(', ')}]`).join(', ');
  throw new UnsupportedModelError(`none of the outputs ${shapes} is a sentence embedding, token embeddings, pooled sparse weights or a single relevance logit`);
}

export function planModel(outputs: readonly OutputShape[], vocabSize: number, maxSequenceLength: number, manifest: ModelManifest): ModelPlan {
  const { shape, kind } = pickOutput(outputs, vocabSize, manifest);
  const taskType = manifest.task_type ?? TASK_OF[kind];
  if (!taskType) throw new UnsupportedModelError(`output [${shape.name}] [${shape.dims.join(', ')}] cannot be used`);
  if (kind === 'token_vocab') {
    throw new UnsupportedModelError(`output [${shape.name}] holds unpooled per-token vocabulary logits; export the model with the pooling inside the graph`);
  }
  const dense = taskType === 'text_embedding';
  const pooling = manifest.pooling ?? (kind === 'token_dense' ? 'mean' : 'none');
  if (pooling !== 'none' && shape.dims.length !== 3) {
    throw new UnsupportedModelError(`pooling [${pooling}] needs token embeddings [batch, sequence, dims], but output [${shape.name}] is [${shape.dims.join(', ')}]`);
  }
  if (pooling === 'none' && shape.dims.length !== 2) {
    throw new UnsupportedModelError(`output [${shape.name}] [${shape.dims.join(', ')}] needs pooling, but the manifest sets pooling [none]`);
  }
  return {
    taskType,
    output: shape.name,
    pooling,
    normalize: manifest.normalize ?? dense,
    dimensions: dense ? shape.dims[shape.dims.length - 1] : undefined,
    similarity: dense ? (manifest.similarity ?? 'cosine') : undefined,
    score: manifest.score ?? 'sigmoid',
    maxSequenceLength,
    prefixes: manifest.prefix_strings ?? {},
  };
}
