/** PUT bodies of custom endpoints on the mock's wire (test/providers/custom/mock-custom.ts). */
import type { TaskType } from '../../support/contract/task-calls';
import { CUSTOM_API_KEY, PATHS } from './mock-custom';

/** The mock's host name: INFERGATE_UPSTREAM_ORIGINS sends it to the mock. */
export const HOST = 'https://api.custom.example';

const REQUESTS: Partial<Record<TaskType, { path: string; request: string; json_parser: Record<string, string> }>> = {
  text_embedding: {
    path: PATHS.embeddings,
    request: '{"input": ${input}, "model": "embed-small", "input_type": ${input_type}}',
    json_parser: { text_embeddings: '$.data[*].embedding' },
  },
  sparse_embedding: {
    path: PATHS.sparse,
    request: '{"texts": ${input}, "model": "sparse-small"}',
    json_parser: { token_path: '$.result.sparse[*].tokens[*].id', weight_path: '$.result.sparse[*].tokens[*].weight' },
  },
  rerank: {
    path: PATHS.rerank,
    request: '{"query": ${query}, "documents": ${input}, "model": "rerank-small"}',
    json_parser: { reranked_index: '$.results[*].index', relevance_score: '$.results[*].relevance_score' },
  },
  completion: {
    path: PATHS.completion,
    request: '{"prompt": ${input}, "model": "complete-small"}',
    json_parser: { completion_result: '$.choices[*].text' },
  },
};

export function customBody(taskType: TaskType, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const wire = REQUESTS[taskType]!;
  return {
    service: 'custom',
    service_settings: {
      url: `${HOST}${wire.path}`,
      headers: { Authorization: 'Bearer ${api_key}' },
      secret_parameters: { api_key: CUSTOM_API_KEY },
      request: wire.request,
      response: { json_parser: wire.json_parser },
      ...overrides,
    },
  };
}
