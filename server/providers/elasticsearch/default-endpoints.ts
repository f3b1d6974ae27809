/** The preconfigured endpoints of reference §9.3: listed and usable without a PUT; their models are started on
 * first use and scaled to zero when idle. */
import type { DefaultEndpoint } from '../types';
import { platformModelId } from './model-resolution';

const ADAPTIVE = { enabled: true, min_number_of_allocations: 0, max_number_of_allocations: 32 };

const deployment = (modelId: string) => ({ num_threads: 1, model_id: modelId, adaptive_allocations: ADAPTIVE });

export function elasticsearchDefaultEndpoints(): DefaultEndpoint[] {
  return [
    {
      inference_id: '.elser-2-elasticsearch',
      task_type: 'sparse_embedding',
      service: 'elasticsearch',
      service_settings: deployment(platformModelId('.elser_model_2')),
    },
    {
      inference_id: '.multilingual-e5-small-elasticsearch',
      task_type: 'text_embedding',
      service: 'elasticsearch',
      service_settings: deployment(platformModelId('.multilingual-e5-small')),
    },
    {
      inference_id: '.rerank-v1-elasticsearch',
      task_type: 'rerank',
      service: 'elasticsearch',
      service_settings: deployment('.rerank-v1'),
      task_settings: { return_documents: true },
    },
  ];
}
