/**
 * Path templates of the spec's operations. The per-task routes (`POST /_inference/rerank/{id}`) share their shape
 * with the generic ones (`/_inference/{task_type}/{id}`); a router that picks the literal path first would answer
 * 405 to `GET /_inference/rerank/x`. So the validator gets the generic operations copied onto the literal paths
 * for the methods those lack, and the parameters are read against each operation's own template.
 */
import type { OpenApiDocument } from './document';

const METHODS = ['get', 'put', 'post', 'delete', 'head'];
const isParam = (segment: string) => segment.startsWith('{') && segment.endsWith('}');
const split = (path: string) => path.split('/').filter(Boolean);

/** Whether every segment of `specific` equals the one of `general` or `general` has a parameter there. */
function instantiates(specific: string, general: string): boolean {
  const a = split(specific);
  const b = split(general);
  return specific !== general && a.length === b.length && a.every((segment, i) => segment === b[i] || isParam(b[i]));
}

export function withGeneralOperationsOnLiteralPaths(paths: OpenApiDocument['paths']): OpenApiDocument['paths'] {
  const result: OpenApiDocument['paths'] = structuredClone(paths);
  for (const [specific, item] of Object.entries(result)) {
    for (const [general, generalItem] of Object.entries(paths)) {
      if (!instantiates(specific, general)) continue;
      const params = (generalItem.parameters as Array<{ in: string; name: string }> | undefined) ?? [];
      for (const method of METHODS) {
        if (item[method] || !generalItem[method]) continue;
        const ownParams = (item.parameters as Array<{ in: string; name: string }> | undefined) ?? [];
        const missing = params.filter((p) => p.in !== 'path' && !ownParams.some((own) => own.name === p.name));
        item[method] = { ...(generalItem[method] as object), parameters: [...(((generalItem[method] as { parameters?: unknown[] }).parameters) ?? []), ...missing] };
      }
    }
  }
  return result;
}

export function operationTemplates(document: OpenApiDocument): Map<string, string> {
  const templates = new Map<string, string>();
  for (const [template, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method] as { operationId?: string } | undefined;
      if (operation?.operationId) templates.set(operation.operationId, template);
    }
  }
  return templates;
}

/** The path parameters of `path` read against `template` (undefined when it does not fit). */
export function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const expected = split(template);
  const actual = path.split('/').slice(1);
  if (actual.at(-1) === '' && actual.length > expected.length) actual.pop();
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < expected.length; i++) {
    if (isParam(expected[i])) params[expected[i].slice(1, -1)] = decodeURIComponent(actual[i]);
    else if (expected[i] !== actual[i]) return undefined;
  }
  return params;
}
