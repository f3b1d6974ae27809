/** Task types, parsed case-insensitively as Elasticsearch does. `any` is the internal wildcard of URLs. */
import { badRequest } from './http/errors';
import { javaTrim } from './http/rest-params';
import type { components } from '../generated/openapi';

export type TaskType = components['schemas']['TaskType'];
export type RequestedTaskType = TaskType | 'any';

export const TASK_TYPES: readonly TaskType[] = [
  'text_embedding',
  'sparse_embedding',
  'rerank',
  'completion',
  'chat_completion',
  'embedding',
];

export const EMBEDDING_TASK_TYPES: readonly TaskType[] = ['text_embedding', 'sparse_embedding', 'embedding'];

/** TaskType#fromStringOrStatusException: `valueOf(name.trim().toUpperCase(Locale.ROOT))`. */
export function parseTaskType(raw: string): RequestedTaskType {
  const upper = javaTrim(raw).toUpperCase();
  const known = ['any', ...TASK_TYPES].find((name) => name.toUpperCase() === upper);
  if (known) return known as RequestedTaskType;
  throw badRequest(`Unknown task_type [${raw}]`);
}

export const isTaskType = (value: string): value is TaskType => (TASK_TYPES as readonly string[]).includes(value);
