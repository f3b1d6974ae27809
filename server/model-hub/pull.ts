/**
 * `models pull`: a model's ONNX file, tokenizer and configs from a Hugging Face Hub into the models directory. Files
 * go to a partial directory named after the model and the commit (so a second pull resumes the first), each checked
 * against the hub's checksum; the directory is moved into place only when every file is complete and verified.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MANIFEST_FILE, type ModelManifest } from '../engine/model-manifest';
import { downloadFile } from './download';
import { checkRepoId, listFiles, type HubFile, type HubOptions } from './hub-files';

export interface PullOptions {
  repo: string;
  modelsDir: string;
  hub: HubOptions;
  /** The directory's name (default: the repository's name, lower-cased). */
  name?: string;
  revision?: string;
  /** The ONNX file to take (default: the first of onnx/model.onnx, model.onnx, onnx/model_quantized.onnx). */
  file?: string;
  /** infergate.json to write (a recommended model's); else derived from the sentence-transformers configs. */
  manifest?: ModelManifest;
  /** Told of each file's bytes so far. */
  progress?: (file: string, bytes: number, total: number) => void;
}

const MODEL_FILES = ['onnx/model.onnx', 'model.onnx', 'onnx/model_quantized.onnx'];
const REQUIRED = ['tokenizer.json'];
const OPTIONAL = ['config.json', 'tokenizer_config.json', 'special_tokens_map.json', 'modules.json', '1_Pooling/config.json'];
const NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;

/** Where each hub file goes in the model's directory. */
function plan(files: HubFile[], requested: string | undefined): Array<{ file: HubFile; local: string }> {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const modelPath = requested ?? MODEL_FILES.find((candidate) => byPath.has(candidate));
  const model = modelPath ? byPath.get(modelPath) : undefined;
  if (!model) throw new Error(requested ? `the repository has no file [${requested}]` : `the repository has none of ${MODEL_FILES.join(', ')}; name one with --file`);
  if (!model.path.endsWith('.onnx')) throw new Error(`[${model.path}] is not an ONNX file`);
  for (const required of REQUIRED) if (!byPath.has(required)) throw new Error(`the repository has no ${required}`);
  const others = [...REQUIRED, ...OPTIONAL].filter((name) => byPath.has(name)).map((name) => ({ file: byPath.get(name)!, local: name.replace('/', '__') }));
  return [{ file: model, local: 'model.onnx' }, ...others];
}

/** infergate.json from sentence-transformers' modules.json and pooling config, when they say anything. */
function derivedManifest(dir: string): ModelManifest | undefined {
  const read = (name: string) => {
    const file = path.join(dir, name);
    try {
      return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : undefined;
    } catch {
      return undefined;
    }
  };
  const pooling = read('1_Pooling__config.json') as Record<string, unknown> | undefined;
  const modules = read('modules.json') as Array<{ type?: string }> | undefined;
  const manifest: ModelManifest = {};
  if (pooling?.pooling_mode_cls_token === true) manifest.pooling = 'cls';
  else if (pooling?.pooling_mode_mean_tokens === true) manifest.pooling = 'mean';
  if (Array.isArray(modules) && modules.some((module) => module.type?.endsWith('Normalize'))) manifest.normalize = true;
  return Object.keys(manifest).length > 0 ? manifest : undefined;
}

export async function pullModel(options: PullOptions): Promise<{ dir: string; commit?: string }> {
  checkRepoId(options.repo);
  const name = options.name ?? options.repo.split('/').at(-1)!.toLowerCase();
  if (!NAME.test(name)) throw new Error(`[${name}] cannot name a model directory (lower-case letters, digits, '.', '_', '-')`);
  const dir = path.join(options.modelsDir, name);
  if (existsSync(dir)) throw new Error(`${dir} exists already; remove it to pull again`);
  const revision = options.revision ?? 'main';
  const { commit, files } = await listFiles(options.hub, options.repo, revision);
  const wanted = plan(files, options.file);
  const partial = path.join(options.modelsDir, `.partial-${name}-${(commit ?? revision).replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}`);
  mkdirSync(partial, { recursive: true });
  for (const { file, local } of wanted) {
    await downloadFile(options.hub, options.repo, commit ?? revision, file, path.join(partial, local), (bytes) => options.progress?.(file.path, bytes, file.size));
  }
  const manifest = options.manifest ?? derivedManifest(partial);
  if (manifest) writeFileSync(path.join(partial, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  renameSync(partial, dir);
  return { dir, commit };
}
