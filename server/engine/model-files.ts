/** Reads the files of one model directory: `model.onnx`, `tokenizer.json` (required), `tokenizer_config.json`,
 * `config.json` and `infergate.json` (optional). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MANIFEST_FILE, ModelManifest } from './model-manifest';

export interface ModelFiles {
  modelPath: string;
  tokenizer: object;
  tokenizerConfig: Record<string, unknown>;
  config: Record<string, unknown>;
  manifest: ModelManifest;
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`cannot read ${path.basename(file)}: ${(error as Error).message}`);
  }
}

const readOptional = (file: string) => (existsSync(file) ? readJson(file) : {});

export function readModelFiles(dir: string): ModelFiles {
  const manifest = ModelManifest.safeParse(readOptional(path.join(dir, MANIFEST_FILE)));
  if (!manifest.success) {
    const issue = manifest.error.issues[0];
    throw new Error(`${MANIFEST_FILE}: [${issue.path.join('.') || 'root'}] ${issue.message}`);
  }
  return {
    modelPath: path.join(dir, 'model.onnx'),
    tokenizer: readJson(path.join(dir, 'tokenizer.json')),
    tokenizerConfig: readOptional(path.join(dir, 'tokenizer_config.json')),
    config: readOptional(path.join(dir, 'config.json')),
    manifest: manifest.data,
  };
}

/** The longest input the model takes: the manifest, else the tokenizer's or the model's declared limit, else 512. */
export function maxSequenceLength(files: ModelFiles): number {
  const candidates = [files.manifest.max_sequence_length, files.tokenizerConfig.model_max_length, files.config.max_position_embeddings];
  const declared = candidates.find((value): value is number => typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 1e6);
  return declared ?? 512;
}
