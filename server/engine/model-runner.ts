/** One loaded model: an onnxruntime session and its tokenizer, able to embed, sparsify and score batches.
 * Each allocation runs one of these on its own thread; the local benchmark drives one directly. */
import * as ort from 'onnxruntime-node';
import { shortestFloat32 } from '../inference/float32-format';
import { maxSequenceLength, readModelFiles } from './model-files';
import { type ModelPlan, type OutputShape, planModel } from './model-plan';
import { type EncodedBatch, ModelTokenizer, type TextItem } from './model-tokenizer';
import { type PackedOutcome, type PackedResults, unpackOutcome } from './packed-results';

export type SparseVector = { is_truncated: boolean; embedding: Record<string, number> };

export type BatchResults =
  | { taskType: 'text_embedding'; values: number[][] }
  | { taskType: 'sparse_embedding'; values: SparseVector[] }
  | { taskType: 'rerank'; values: number[] };

export interface BatchOutcome {
  results: BatchResults;
  /** Real tokens in the batch, and tokens once padded to its longest input. */
  tokens: number;
  paddedTokens: number;
}

const INPUT_FEEDS: Record<string, keyof Pick<EncodedBatch, 'inputIds' | 'attentionMask' | 'tokenTypeIds'>> = {
  input_ids: 'inputIds',
  attention_mask: 'attentionMask',
  token_type_ids: 'tokenTypeIds',
};

export class ModelRunner {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly tokenizer: ModelTokenizer,
    readonly plan: ModelPlan,
  ) {}

  static async load(dir: string, threads: number): Promise<ModelRunner> {
    const files = readModelFiles(dir);
    const session = await ort.InferenceSession.create(files.modelPath, sessionOptions(threads));
    const unknown = session.inputNames.filter((name) => !(name in INPUT_FEEDS));
    if (unknown.length > 0) {
      throw new Error(`model inputs [${unknown.join(', ')}] are not tokenizer outputs (input_ids, attention_mask, token_type_ids)`);
    }
    const length = maxSequenceLength(files);
    const tokenizer = new ModelTokenizer(files.tokenizer, files.tokenizerConfig, length);
    const probe = await session.run(feedsFor(session, tokenizer.encode([{ text: 'hello world' }])));
    const shapes: OutputShape[] = session.outputNames.map((name) => ({ name, dims: probe[name].dims }));
    return new ModelRunner(session, tokenizer, planModel(shapes, tokenizer.vocabSize, length, files.manifest));
  }

  async run(items: readonly TextItem[]): Promise<BatchOutcome> {
    return unpackOutcome(await this.runPacked(items));
  }

  /** As `run`, with dense vectors in one buffer (what an allocation sends to the main thread). */
  async runPacked(items: readonly TextItem[]): Promise<PackedOutcome> {
    const encoded = this.tokenizer.encode(items.map((item) => this.withPrefix(item)));
    const outputs = await this.session.run(feedsFor(this.session, encoded), [this.plan.output]);
    const output = outputs[this.plan.output];
    const tokens = encoded.lengths.reduce((sum, length) => sum + length, 0);
    return { results: this.interpret(output, encoded), tokens, paddedTokens: encoded.batch * encoded.sequence };
  }

  private withPrefix(item: TextItem): TextItem {
    const prefix = item.inputType ? this.plan.prefixes[item.inputType] : undefined;
    return prefix ? { ...item, text: prefix + item.text } : item;
  }

  release(): Promise<void> {
    return this.session.release();
  }

  private interpret(output: ort.Tensor, encoded: EncodedBatch): PackedResults {
    const data = output.data as Float32Array;
    switch (this.plan.taskType) {
      case 'text_embedding':
        return { taskType: 'text_embedding', packed: this.embeddings(data, output.dims, encoded), width: output.dims[output.dims.length - 1] };
      case 'sparse_embedding':
        return { taskType: 'sparse_embedding', values: this.sparseVectors(data, output.dims, encoded) };
      case 'rerank':
        return { taskType: 'rerank', values: Array.from({ length: encoded.batch }, (_, row) => this.score(data[row * output.dims[1]])) };
    }
  }

  /** The batch's vectors, row after row, each value in its shortest float32 form. */
  private embeddings(data: Float32Array, dims: readonly number[], encoded: EncodedBatch): Float64Array {
    const width = dims[dims.length - 1];
    const packed = new Float64Array(encoded.batch * width);
    for (let row = 0; row < encoded.batch; row++) {
      const vector = this.plan.pooling === 'none' ? data.slice(row * width, (row + 1) * width) : pool(data, width, encoded, row, this.plan.pooling);
      if (this.plan.normalize) normalize(vector);
      for (let column = 0; column < width; column++) packed[row * width + column] = shortestFloat32(vector[column]);
    }
    return packed;
  }

  private sparseVectors(data: Float32Array, dims: readonly number[], encoded: EncodedBatch): SparseVector[] {
    const width = dims[1];
    return Array.from({ length: encoded.batch }, (_, row) => {
      const weights: [string, number][] = [];
      for (let id = 0; id < width; id++) {
        const weight = data[row * width + id];
        if (weight > 0) weights.push([this.tokenizer.tokenOf(id), shortestFloat32(weight)]);
      }
      weights.sort((a, b) => b[1] - a[1]);
      return { is_truncated: encoded.truncated[row], embedding: Object.fromEntries(weights) };
    });
  }

  private score(logit: number): number {
    return shortestFloat32(this.plan.score === 'sigmoid' ? 1 / (1 + Math.exp(-logit)) : logit);
  }
}

/** onnxruntime's pool threads spin between ops (and after a run) waiting for work: at one request at a time that
 * burns cores for nothing, cores the server's own thread needs for HTTP. Without spinning, a 2-thread session of
 * all-minilm-l6-v2-int8 took half the CPU per input (6.6 -> 3.0 ms for one sentence, 2.7 -> 1.3 ms in batches of 32)
 * and was no slower, on a loaded 2-core machine. */
export function sessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}

function feedsFor(session: ort.InferenceSession, encoded: EncodedBatch): Record<string, ort.Tensor> {
  const shape = [encoded.batch, encoded.sequence];
  return Object.fromEntries(session.inputNames.map((name) => [name, new ort.Tensor('int64', encoded[INPUT_FEEDS[name]], shape)]));
}

/** Mean over the attention mask, or the first ([CLS]) token, of one row of `[batch, sequence, width]`. */
function pool(data: Float32Array, width: number, encoded: EncodedBatch, row: number, pooling: 'mean' | 'cls'): Float32Array {
  const vector = new Float32Array(width);
  const rowStart = row * encoded.sequence * width;
  if (pooling === 'cls') return data.slice(rowStart, rowStart + width);
  const length = encoded.lengths[row];
  for (let position = 0; position < length; position++) {
    const offset = rowStart + position * width;
    for (let column = 0; column < width; column++) vector[column] += data[offset + column];
  }
  for (let column = 0; column < width; column++) vector[column] /= Math.max(1, length);
  return vector;
}

function normalize(vector: Float32Array): void {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let index = 0; index < vector.length; index++) vector[index] /= norm;
}
