/**
 * `npm run models -- pull <repo id | built-in id> [--name dir] [--revision r] [--file onnx/model_quantized.onnx]`
 * downloads a model from a Hugging Face Hub (HF_ENDPOINT, HF_TOKEN) into the first models directory
 * (INFERGATE_MODELS_DIR), resumable and checked; `npm run models -- list` shows what is installed and where the
 * built-in ids point.
 */
import { MultiBar, Presets } from 'cli-progress';
import { loadConfig } from '../server/config';
import { ModelLibrary } from '../server/engine/model-library';
import { pullModel } from '../server/model-hub/pull';
import { RECOMMENDED } from '../server/model-hub/recommended';

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  args.splice(at, 2);
  return value;
}

async function pull(args: string[]): Promise<void> {
  const config = loadConfig();
  const name = option(args, 'name');
  const revision = option(args, 'revision');
  const file = option(args, 'file');
  const [target] = args;
  if (!target) throw new Error('usage: models pull <repo id | built-in id> [--name dir] [--revision r] [--file path.onnx]');
  const recommended = RECOMMENDED[target];
  if (target.startsWith('.') && !recommended) throw new Error(`no recommended model for [${target}]; known: ${Object.keys(RECOMMENDED).join(', ')}`);
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

/** What the engine would find: ModelLibrary's reading of each models directory, and where the built-in ids point. */
function list(): void {
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
    const hint = RECOMMENDED[id] ? `npm run models -- pull ${id}` : 'no recommended model';
    console.log(`  ${id} → ${model}: ${found ? found.dir : `not installed (${hint})`}`);
  }
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'pull') return pull(args);
  if (command === 'list') return list();
  throw new Error('usage: models pull <repo id | built-in id> [--name dir] [--revision r] [--file path.onnx] | models list');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
