/** The query parameters each operation declares, and the validator's view of them: the validator accepts any
 * value and any name, because Elasticsearch's own reading of them (server/api/preflight.ts) decides what is refused
 * and how it is worded. */
import type { OpenApiDocument } from './document';

export interface QueryParameter {
  name: string;
  type: 'boolean' | 'integer' | 'string';
  default?: unknown;
}

interface ParameterObject {
  name: string;
  in: string;
  schema?: { type?: string; default?: unknown };
}

const METHODS = ['get', 'put', 'post', 'delete', 'head'];

function toQueryParameter(parameter: ParameterObject): QueryParameter {
  const type = parameter.schema?.type === 'boolean' || parameter.schema?.type === 'integer' ? parameter.schema.type : 'string';
  return { name: parameter.name, type, default: parameter.schema?.default };
}

/** operationId → its query parameters (the path item's, then the operation's), in declaration order. */
export function queryParametersByOperation(document: OpenApiDocument): Map<string, QueryParameter[]> {
  const result = new Map<string, QueryParameter[]>();
  for (const item of Object.values(document.paths)) {
    const shared = ((item.parameters as ParameterObject[] | undefined) ?? []).filter((p) => p.in === 'query');
    for (const method of METHODS) {
      const operation = item[method] as { operationId?: string; parameters?: ParameterObject[] } | undefined;
      if (!operation?.operationId) continue;
      const own = (operation.parameters ?? []).filter((p) => p.in === 'query');
      result.set(operation.operationId, [...own, ...shared.filter((p) => !own.some((o) => o.name === p.name))].map(toQueryParameter));
    }
  }
  return result;
}

/** The validator's copy of a parameter: query values of any shape, and the task type without its pattern (the
 * handlers answer an unknown one in Elasticsearch's words). */
export function relaxedParameter(parameter: ParameterObject): ParameterObject {
  if (parameter.in === 'query') return { ...parameter, schema: {}, allowEmptyValue: true, allowReserved: true } as ParameterObject;
  if (parameter.in === 'path' && parameter.name === 'task_type') return { ...parameter, schema: { type: 'string' } };
  return parameter;
}
