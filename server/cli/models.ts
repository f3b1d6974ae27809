/**
 * `infergate models pull <repo id | built-in id> [--name dir] [--revision r] [--file onnx/model_quantized.onnx]`
 * downloads a model from a Hugging Face Hub (HF_ENDPOINT, HF_TOKEN) into the first models directory
 * (INFERGATE_MODELS_DIR), resumable and checked; `infergate models list` shows what is installed and where the
 * built-in ids point.
 */
import { MultiBar, Presets } from 'cli-progress';
import { loadConfig } from '../config';
import { ModelLibrary } from '../engine/model-library';
import { pullModel } from '../model-hub/pull';
import { RECOMMENDED } from '../model-hub/recommended';
import { UsageError } from './usage';

export const MODELS_PULL_USAGE = 'models pull <repo id | built-in id> [--name dir] [--revision r] [--file path.onnx]';
export const MODELS_USAGE = `${MODELS_PULL_USAGE} | models list`;

/** Removes `--name value` from args and returns the value. */
function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
  args.splice(at, 2);
  return value;
}

async function pull(args: string[]): Promise<void> {
  const config = loadConfig();
  const name = option(args, 'name');
  const revision = option(args, 'revision');
  const file = option(args, 'file');
  const [target, ...extra] = args;
  if (!target || target.startsWith('--') || extra.length > 0) throw new UsageError(`usage: ${MODELS_USAGE}`);
  const recommended = RECOMMENDED[target];
  if (target.startsWith('.') && !recommended) throw new UsageError(`no recommended model for [${target}]; known: ${Object.keys(RECOMMENDED).join(', ')}`);
  const bars = new MultiBar({ format: ' {bar} {percentage}% | {file} | {value}/{total} bytes', hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000 }, Presets.shades_classic);
  const started = new Map<string, ReturnType<MultiBar['create']>>();
  try {
    const { dir, commit } = await pullModel({
      repo: recommended?.repo ?? target,
      name: name ?? (recommended ? config.builtinModels[target] : undefined),
      revision,
      file: file ?? recommended?.file,
      manifest: recommended?.manifest,
      modelsDir: config.modelsDirs[0],
      hub: config.hub,
      progress: (fileName, bytes, total) => {
        let bar = started.get(fileName);
        if (!bar) started.set(fileName, (bar = bars.create(total, 0, { file: fileName })));
        bar.update(bytes);
      },
    });
    bars.stop();
    console.log(`installed ${dir}${commit ? ` (commit ${commit})` : ''}`);
  } finally {
    bars.stop();
  }
}

/** What the engine would find: ModelLibrary's reading of each models directory, and where the built-in ids point.
 * `command` is how the user ran us (`infergate models`, `npm run models --`), for the pull hint. */
function list(command: string): void {
  const config = loadConfig();
  for (const dir of config.modelsDirs) {
    const models = new ModelLibrary([dir]).list();
    console.log(`${dir}: ${models.length === 0 ? '(no models)' : ''}`);
    for (const model of models) console.log(`  ${model.name}`);
  }
  console.log('built-in ids:');
  const library = new ModelLibrary(config.modelsDirs);
  for (const [id, model] of Object.entries(config.builtinModels)) {
    const found = library.find(model);
    const hint = RECOMMENDED[id] ? `${command} pull ${id}` : 'no recommended model';
    console.log(`  ${id} → ${model}: ${found ? found.dir : `not installed (${hint})`}`);
  }
}

export async function models(args: string[], command = 'infergate models'): Promise<void> {
  const [subcommand, ...rest] = args;
  if (subcommand === 'pull') return pull(rest);
  if (subcommand === 'list' && rest.length === 0) return list(command);
  throw new UsageError(subcommand === undefined || subcommand === 'list' ? `usage: ${MODELS_USAGE}` : `unknown models command [${subcommand}]; usage: ${MODELS_USAGE}`);
}
