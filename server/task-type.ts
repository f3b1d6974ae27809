/** Task types, parsed case-insensitively as Elasticsearch does. `any` is the internal wildcard of URLs. */
import { badRequest } from './http/errors';
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

export function parseTaskType(raw: string): RequestedTaskType {
  const normalised = raw.trim().toLowerCase();
  if (normalised === 'any' || (TASK_TYPES as readonly string[]).includes(normalised)) {
    return normalised as RequestedTaskType;
  }
  throw badRequest(`Unknown task_type [${raw}]`);
}

export const isTaskType = (value: string): value is TaskType => (TASK_TYPES as readonly string[]).includes(value);
