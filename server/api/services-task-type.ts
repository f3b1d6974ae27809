import type { Request } from 'express';
import { badRequest } from '../http/errors';
import { isTaskType, type TaskType } from '../task-type';
import { pathParam } from './context';

export type { TaskType };

/** The `_services` listing takes a real task type only (`any` is not one). */
export function urlTaskTypeOrUnknown(request: Request): TaskType | undefined {
  const raw = pathParam(request, 'task_type');
  if (raw === undefined) return undefined;
  const normalised = raw.trim().toLowerCase();
  if (!isTaskType(normalised)) throw badRequest(`Unknown task_type [${raw}]`);
  return normalised;
}
