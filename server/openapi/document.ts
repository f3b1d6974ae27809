/** The dereferenced OpenAPI document in generated/ (made from spec/ by `npm run generate`): the server's source
 * of truth for routes, request and response schemas, services and their settings. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  title?: string;
  description?: string;
  writeOnly?: boolean;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  [extension: `x-${string}`]: unknown;
  [keyword: string]: unknown;
};

export interface Operation {
  operationId: string;
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  [key: string]: unknown;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation | unknown>>;
  components: { schemas: Record<string, JsonSchema> };
}

/** The repository root: the nearest directory above this file holding package.json (works from dist/ too). */
export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + __dirname);
    dir = parent;
  }
  return dir;
}

let cached: OpenApiDocument | undefined;

export function loadDocument(): OpenApiDocument {
  cached ??= JSON.parse(readFileSync(path.join(projectRoot(), 'generated', 'openapi.json'), 'utf8')) as OpenApiDocument;
  return cached;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'head', 'patch', 'options'];

export function operationsById(document: OpenApiDocument): Map<string, Operation> {
  const operations = new Map<string, Operation>();
  for (const item of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method] as Operation | undefined;
      if (operation) operations.set(operation.operationId, operation);
    }
  }
  return operations;
}

export function requestBodySchema(operation: Operation): JsonSchema | undefined {
  return operation.requestBody?.content['application/json']?.schema;
}

/** Folds `allOf` members into one schema (the spec uses `allOf: [$ref]` to add a description or default beside a
 * reference); the outer schema's keywords win, and `properties` merge property by property. */
export function flattenSchema(schema: JsonSchema): JsonSchema {
  if (!schema.allOf) return schema;
  const { allOf, ...rest } = schema;
  return allOf.reduce<JsonSchema>((merged, part) => {
    const inner = flattenSchema(part);
    const properties = inner.properties || merged.properties ? mergeProperties(inner.properties, merged.properties) : undefined;
    return { ...inner, ...merged, ...(properties ? { properties } : {}) };
  }, rest);
}

function mergeProperties(inner: Record<string, JsonSchema> = {}, outer: Record<string, JsonSchema> = {}): Record<string, JsonSchema> {
  const merged: Record<string, JsonSchema> = { ...inner };
  for (const [key, schema] of Object.entries(outer)) merged[key] = merged[key] ? { ...flattenSchema(merged[key]), ...schema } : schema;
  return merged;
}
