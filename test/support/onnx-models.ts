/**
 * Builds tiny ONNX model directories on disk for the local-inference tests: each holds `model.onnx` plus the
 * bert-base-uncased WordPiece tokenizer of all-MiniLM-L6-v2 (vocab 30522; [PAD]=0, [UNK]=100, [CLS]=101,
 * [SEP]=102, [MASK]=103). The graphs are hand-written with onnx-proto and use only standard opset-13 ops that
 * onnxruntime's CPU provider runs.
 *
 *   writeCrossEncoderModel(dir);   // logits [batch, 1]: lexical overlap of query and passage
 *   writeTokenLogitsModel(dir);    // logits [batch, seq, 30522]: an unpooled SPLADE model (to be refused)
 *   writeTokenEmbeddingModel(dir); // last_hidden_state [batch, seq, 8]: per-token vectors, not pooled
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { onnx } from 'onnx-proto';
import { SHARED_TOKENIZER_DIR as TOKENIZER_DIR } from './shared-models';

const VOCAB_SIZE = 30522;
const SPECIAL_IDS = [0, 100, 101, 102, 103]; // [PAD] [UNK] [CLS] [SEP] [MASK]
const OPSET = 13;
const IR_VERSION = 8;

const { FLOAT, INT64 } = onnx.TensorProto.DataType;

/** Copies `tokenizer.json` (and `tokenizer_config.json` when present) into `dir`, creating it if needed. */
export function copyTokenizer(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) {
    const source = path.join(TOKENIZER_DIR, file);
    if (existsSync(source)) copyFileSync(source, path.join(dir, file));
  }
}

// ---------------------------------------------------------------------------------------------
// Graph-building helpers
// ---------------------------------------------------------------------------------------------

type Dim = string | number;

function valueInfo(name: string, elemType: number, dims: Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

function floatTensor(name: string, dims: number[], values: ArrayLike<number>): onnx.ITensorProto {
  const raw = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) raw.writeFloatLE(values[i], i * 4);
  return { name, dataType: FLOAT, dims, rawData: raw };
}

function int64Tensor(name: string, dims: number[], values: number[]): onnx.ITensorProto {
  return { name, dataType: INT64, dims, int64Data: values };
}

function node(opType: string, inputs: string[], outputs: string[], attribute: onnx.IAttributeProto[] = []): onnx.INodeProto {
  return { opType, input: inputs, output: outputs, name: `${opType}_${outputs[0]}`, attribute };
}

function intAttr(name: string, i: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}

function intsAttr(name: string, ints: number[]): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints };
}

function writeModel(dir: string, graph: onnx.IGraphProto): void {
  copyTokenizer(dir);
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'infergate-tests',
    opsetImport: [{ domain: '', version: OPSET }],
    graph,
  });
  writeFileSync(path.join(dir, 'model.onnx'), onnx.ModelProto.encode(model).finish());
}

const idsInput = (name: string) => valueInfo(name, INT64, ['batch', 'sequence']);

// ---------------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------------

/**
 * A cross-encoder: inputs `input_ids`, `attention_mask`, `token_type_ids` (int64 [batch, sequence]); output
 * `logits` float32 [batch, 1] = 2 × (number of distinct hashed terms shared by the query segment and the passage
 * segment) − 3. Special tokens and padding do not count.
 */
export function writeCrossEncoderModel(dir: string): void {
  const buckets = 2048;
  const weights = new Float32Array(VOCAB_SIZE).fill(1);
  for (const id of SPECIAL_IDS) weights[id] = 0;

  const nodes: onnx.INodeProto[] = [
    // Per-token weight: 0 for special tokens and padding, split by segment.
    node('Gather', ['token_weights', 'input_ids'], ['weight'], [intAttr('axis', 0)]),
    node('Cast', ['attention_mask'], ['mask_f'], [intAttr('to', FLOAT)]),
    node('Cast', ['token_type_ids'], ['segment_f'], [intAttr('to', FLOAT)]),
    node('Mul', ['weight', 'mask_f'], ['live']),
    node('Mul', ['live', 'segment_f'], ['passage_w']),
    node('Sub', ['live', 'passage_w'], ['query_w']),
    node('Unsqueeze', ['query_w', 'axis_last'], ['query_w3']),
    node('Unsqueeze', ['passage_w', 'axis_last'], ['passage_w3']),
    // Hashed one-hot bag of words: [batch, sequence, buckets].
    node('Mod', ['input_ids', 'buckets'], ['bucket']),
    node('OneHot', ['bucket', 'depth', 'onehot_values'], ['onehot'], [intAttr('axis', -1)]),
    node('Mul', ['onehot', 'query_w3'], ['query_terms']),
    node('Mul', ['onehot', 'passage_w3'], ['passage_terms']),
    node('ReduceMax', ['query_terms'], ['query_bag'], [intsAttr('axes', [1]), intAttr('keepdims', 0)]),
    node('ReduceMax', ['passage_terms'], ['passage_bag'], [intsAttr('axes', [1]), intAttr('keepdims', 0)]),
    // Shared distinct terms → logit.
    node('Mul', ['query_bag', 'passage_bag'], ['shared']),
    node('ReduceSum', ['shared', 'axis_last'], ['overlap'], [intAttr('keepdims', 1)]),
    node('Mul', ['overlap', 'scale'], ['scaled']),
    node('Add', ['scaled', 'bias'], ['logits']),
  ];

  writeModel(dir, {
    name: 'lexical_cross_encoder',
    node: nodes,
    initializer: [
      floatTensor('token_weights', [VOCAB_SIZE], weights),
      int64Tensor('axis_last', [1], [-1]),
      int64Tensor('buckets', [], [buckets]),
      int64Tensor('depth', [], [buckets]),
      floatTensor('onehot_values', [2], [0, 1]),
      floatTensor('scale', [], [2]),
      floatTensor('bias', [], [-3]),
    ],
    input: [idsInput('input_ids'), idsInput('attention_mask'), idsInput('token_type_ids')],
    output: [valueInfo('logits', FLOAT, ['batch', 1])],
  });
}

/** An unpooled SPLADE-shaped model: output `logits` float32 [batch, sequence, 30522] (one-hot of the ids, masked). */
export function writeTokenLogitsModel(dir: string): void {
  writeModel(dir, {
    name: 'token_vocab_logits',
    node: [
      node('OneHot', ['input_ids', 'depth', 'onehot_values'], ['onehot'], [intAttr('axis', -1)]),
      node('Cast', ['attention_mask'], ['mask_f'], [intAttr('to', FLOAT)]),
      node('Unsqueeze', ['mask_f', 'axis_last'], ['mask_f3']),
      node('Mul', ['onehot', 'mask_f3'], ['logits']),
    ],
    initializer: [
      int64Tensor('depth', [], [VOCAB_SIZE]),
      floatTensor('onehot_values', [2], [0, 1]),
      int64Tensor('axis_last', [1], [-1]),
    ],
    input: [idsInput('input_ids'), idsInput('attention_mask')],
    output: [valueInfo('logits', FLOAT, ['batch', 'sequence', VOCAB_SIZE])],
  });
}

/**
 * Token embeddings without pooling: output `last_hidden_state` float32 [batch, sequence, dims] (default 8), a
 * lookup in a deterministic pseudo-random table in [-1, 1] so that different tokens get different vectors. Like a
 * real encoder, padding positions still get a (non-zero) vector; the attention mask is for the caller's pooling.
 */
export function writeTokenEmbeddingModel(dir: string, options: { dims?: number } = {}): void {
  const dims = options.dims ?? 8;
  const table = new Float32Array(VOCAB_SIZE * dims);
  for (let id = 0; id < VOCAB_SIZE; id++) {
    for (let col = 0; col < dims; col++) {
      const x = Math.sin((id + 1) * 12.9898 + (col + 1) * 78.233) * 43758.5453;
      table[id * dims + col] = 2 * (x - Math.floor(x)) - 1;
    }
  }
  writeModel(dir, {
    name: 'token_embeddings',
    node: [node('Gather', ['embeddings', 'input_ids'], ['last_hidden_state'], [intAttr('axis', 0)])],
    initializer: [floatTensor('embeddings', [VOCAB_SIZE, dims], table)],
    input: [idsInput('input_ids'), idsInput('attention_mask')],
    output: [valueInfo('last_hidden_state', FLOAT, ['batch', 'sequence', dims])],
  });
}
