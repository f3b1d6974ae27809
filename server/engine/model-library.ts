/** The model directories under INFERGATE_MODELS_DIR: every sub-directory holding `model.onnx` and
 * `tokenizer.json` is a model, named after the directory. Read afresh on each lookup, so models added while the
 * server runs are found. When two roots hold the same name, the first root wins. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export interface InstalledModel {
  name: string;
  dir: string;
}

const isModelDir = (dir: string) => existsSync(path.join(dir, 'model.onnx')) && existsSync(path.join(dir, 'tokenizer.json'));

export class ModelLibrary {
  constructor(private readonly roots: readonly string[]) {}

  find(name: string): InstalledModel | undefined {
    if (name.includes('/') || name.includes('\\') || name === '.' || name === '..') return undefined;
    for (const root of this.roots) {
      const dir = path.join(root, name);
      if (isModelDir(dir)) return { name, dir };
    }
    return undefined;
  }

  list(): InstalledModel[] {
    const found = new Map<string, InstalledModel>();
    for (const root of this.roots) {
      let entries: string[];
      try {
        entries = readdirSync(root);
      } catch {
        continue;
      }
      for (const name of entries.sort()) {
        const dir = path.join(root, name);
        if (!found.has(name) && isModelDir(dir)) found.set(name, { name, dir });
      }
    }
    return [...found.values()];
  }
}
