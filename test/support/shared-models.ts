/** Where the shared models are: INFERGATE_MODELS_DIR (as `.ci/run` sets it), else `../shared/models`. */
import { existsSync } from 'node:fs';
import path from 'node:path';

function sharedModelsDir(): string {
  const dir = path.resolve((process.env.INFERGATE_MODELS_DIR ?? '../shared/models').split(path.delimiter)[0]);
  if (!existsSync(path.join(dir, 'glove-twitter-25d-sif'))) {
    throw new Error(`the local-engine tests need the shared models: set INFERGATE_MODELS_DIR (looked in ${dir})`);
  }
  return dir;
}

export const SHARED_MODELS_DIR = sharedModelsDir();
export const SHARED_TOKENIZER_DIR = path.join(SHARED_MODELS_DIR, 'tokenizers', 'all-MiniLM-L6-v2');
