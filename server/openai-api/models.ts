/** GET /v1/models: every inference endpoint as an OpenAI model. */
import type { Handler } from '../api/context';
import type { components } from '../../generated/openapi';

type ModelList = components['schemas']['OpenAiModelList'];

export const openAiModels: Handler = async (_request, response, context) => {
  const data: ModelList['data'] = context.store
    .list()
    .map((endpoint) => ({ id: endpoint.inferenceId, object: 'model' as const, created: 0, owned_by: endpoint.service, task_type: endpoint.taskType }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const answer: ModelList = { object: 'list', data };
  response.json(answer);
};
