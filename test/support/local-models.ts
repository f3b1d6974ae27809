/** The models the local-engine tests run: the shared ones (INFERGATE_MODELS_DIR, `../shared/models` by default) and
 * ones the tests build in a temporary directory. */
import { existsSync, mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_BUILTIN_MODELS, type Config } from '../../server/config';
import { writeCrossEncoderModel, writeTokenEmbeddingModel, writeTokenLogitsModel } from './onnx-models';
import { SHARED_MODELS_DIR } from './shared-models';
import { startTestServer, type TestServer } from './server';

/** A model directory that reuses a shared model's files (by symlink) with a manifest of its own. */
function withManifest(root: string, name: string, source: string, manifest: object): void {
  const dir = path.join(root, name);
  mkdirSync(dir);
  for (const file of ['model.onnx', 'tokenizer.json', 'tokenizer_config.json']) {
    const from = path.join(SHARED_MODELS_DIR, source, file);
    if (existsSync(from)) symlinkSync(from, path.join(dir, file));
  }
  writeFileSync(path.join(dir, 'infergate.json'), JSON.stringify(manifest));
}

/** Builds the test models once per test file; returns their root directory. */
export function buildTestModels(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'infergate-models-'));
  writeCrossEncoderModel(path.join(root, 'test-cross-encoder'));
  writeTokenLogitsModel(path.join(root, 'test-unpooled-splade'));
  writeTokenEmbeddingModel(path.join(root, 'test-token-embedder'));
  writeTokenEmbeddingModel(path.join(root, 'test-prefixed-embedder'));
  writeFileSync(path.join(root, 'test-prefixed-embedder', 'infergate.json'), JSON.stringify({ prefix_strings: { search: 'query: ', ingest: 'passage: ' } }));
  withManifest(root, 'test-idf-window-8', 'opensearch-msmarco-idf-sparse', { max_sequence_length: 8 });
  // The model an Elasticsearch example uploads with Eland, stood in for by the synthetic BERT.
  withManifest(root, 'msmarco-MiniLM-L12-cos-v5', 'synthetic-bert-l4-h128', {});
  mkdirSync(path.join(root, 'not-a-model'));
  return root;
}

/** Test server settings: shared and built models, and the built-in ids mapped onto them. */
export function localModelsConfig(builtRoot: string, overrides: Partial<Config> = {}): Partial<Config> {
  return {
    modelsDirs: [SHARED_MODELS_DIR, builtRoot],
    builtinModels: {
      ...DEFAULT_BUILTIN_MODELS,
      '.multilingual-e5-small': 'glove-twitter-25d-sif',
      '.elser_model_2': 'opensearch-msmarco-idf-sparse',
      '.rerank-v1': 'test-cross-encoder',
    },
    ...overrides,
  };
}

/** Starts a server on the local models for one describe block (built once per file) and stops it after the block. */
export function localServerFor(modelsRoot: () => string, overrides: Partial<Config> = {}): () => TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(localModelsConfig(modelsRoot(), { logLevel: 'warn', ...overrides }));
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => server!;
}
