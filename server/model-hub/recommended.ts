/** The Hugging Face repositories recommended for Elasticsearch's built-in model ids, so that `models pull
 * .multilingual-e5-small` works: the repository, its ONNX file, and the infergate.json the engine needs for it.
 * (Chosen from the hubs' public listings; this machine reaches no hub, so only the mock hub's copies are tested.) */
import type { ModelManifest } from '../engine/model-manifest';

export interface RecommendedModel {
  repo: string;
  file: string;
  manifest: ModelManifest;
}

export const RECOMMENDED: Readonly<Record<string, RecommendedModel>> = {
  '.multilingual-e5-small': {
    repo: 'Xenova/multilingual-e5-small',
    file: 'onnx/model_quantized.onnx',
    manifest: { task_type: 'text_embedding', pooling: 'mean', normalize: true, max_sequence_length: 512, prefix_strings: { search: 'query: ', ingest: 'passage: ' } },
  },
  '.rerank-v1': {
    repo: 'Xenova/ms-marco-MiniLM-L-6-v2',
    file: 'onnx/model.onnx',
    manifest: { task_type: 'rerank', score: 'sigmoid', max_sequence_length: 512 },
  },
  '.elser_model_2': {
    repo: 'Qdrant/Splade_PP_en_v1',
    file: 'model.onnx',
    manifest: { task_type: 'sparse_embedding', max_sequence_length: 512 },
  },
};
