/** Requests made from the spec's operations: every path and query parameter and body drawn from what the spec
 * declares, then bent out of shape (wrong types, unknown names, odd encodings). */
import { generate, hostileString, type GenerateOptions } from './values';
import type { Prng } from './prng';

type Json = Record<string, unknown>;

export interface FuzzOperation {
  operationId: string;
  method: string;
  template: string;
  parameters: Array<{ name: string; in: string; schema?: Json }>;
  bodySchema?: Json;
  responses: Record<string, { content?: Record<string, Json> }>;
}

export interface FuzzRequest {
  operation: FuzzOperation;
  method: string;
  path: string;
  body?: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'head'];

export function operationsOf(document: { paths: Record<string, Json> }): FuzzOperation[] {
  const operations: FuzzOperation[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    const shared = (item.parameters as FuzzOperation['parameters'] | undefined) ?? [];
    for (const method of METHODS) {
      const operation = item[method] as Json | undefined;
      if (!operation) continue;
      const own = (operation.parameters as FuzzOperation['parameters'] | undefined) ?? [];
      const body = (operation.requestBody as { content?: Record<string, { schema?: Json }> } | undefined)?.content?.['application/json']?.schema;
      operations.push({
        operationId: operation.operationId as string,
        method: method.toUpperCase(),
        template,
        parameters: [...own, ...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in))],
        bodySchema: body,
        responses: operation.responses as FuzzOperation['responses'],
      });
    }
  }
  return operations;
}

/** Percent-encoding; a lone surrogate becomes the bytes Java's modified UTF-8 would give it. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, '')) + '%ED%A0%80';
  }
}

/** Path segments already percent-encoded, some of them malformed on purpose. */
const RAW_SEGMENTS = ['%', '%zz', '%E0%A4%A', '%C0%AE', '%2F', '%00', '%FF', '..', '.', '%2e%2e'];

export interface PathPools {
  inference_id: readonly string[];
  task_type: readonly string[];
  model_id: readonly string[];
}

function pathSegment(name: string, prng: Prng, pools: PathPools): string {
  if (prng.chance(0.08)) return prng.pick(RAW_SEGMENTS);
  const pool = pools[name as keyof PathPools] ?? [];
  const value = pool.length > 0 && prng.chance(0.75) ? prng.pick(pool) : hostileString(prng);
  return encode(value === '' ? 'x' : value);
}

const QUERY_VALUES: Record<string, readonly string[]> = {
  boolean: ['true', 'false', '', ' ', 'TRUE', '1', 'yes', 'null'],
  integer: ['0', '1', '100', '-1', '+5', '007', '2147483647', '2147483648', '1.5', '1e3', '0x10', ' 5', ''],
  timeout: ['1s', '30s', '500ms', '2m', '1d', '0', '-1', '1.5s', 'abc', '5M', '-5s', '9999999999999999999999s', '1h ', ' 2s', ''],
};

function queryValue(name: string, type: string, prng: Prng): string {
  const pool = name === 'timeout' ? QUERY_VALUES.timeout : QUERY_VALUES[type];
  if (pool && prng.chance(0.8)) return encodeURIComponent(prng.pick(pool));
  if (prng.chance(0.1)) return prng.pick(['%', '%zz', '%E0%A4']);
  return encode(hostileString(prng));
}

function queryString(operation: FuzzOperation, prng: Prng): string {
  const parts: string[] = [];
  // filter_path is left out: cutting the answer down to some fields is what it is for, so the result no longer
  // matches the operation's schema by design.
  for (const parameter of operation.parameters.filter((p) => p.in === 'query' && p.name !== 'filter_path')) {
    if (!prng.chance(0.2)) continue;
    const value = queryValue(parameter.name, String(parameter.schema?.type), prng);
    parts.push(prng.chance(0.1) ? encodeURIComponent(parameter.name) : `${encodeURIComponent(parameter.name)}=${value}`);
  }
  if (prng.chance(0.08)) parts.push(`${encode(prng.pick(['bogus', 'forse', 'prety', hostileString(prng)]))}=1`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

function body(operation: FuzzOperation, prng: Prng, options: GenerateOptions): string | undefined {
  if (!operation.bodySchema) return prng.chance(0.05) && operation.method !== 'GET' && operation.method !== 'HEAD' ? '{"unexpected":1}' : undefined;
  const roll = prng.next();
  if (roll < 0.04) return undefined;
  if (roll < 0.08) return prng.pick(['{', '[1,', 'nul', '"\\ud800"', '{"input": "a", "input": "b"}', ' ']);
  if (roll < 0.14) return JSON.stringify(prng.pick([null, 1, 'x', [], [{}], true]));
  return JSON.stringify(generate(operation.bodySchema, prng, options));
}

export function fuzzRequest(operation: FuzzOperation, prng: Prng, pools: PathPools, options: GenerateOptions): FuzzRequest {
  const path = operation.template.replace(/\{([^}]+)\}/g, (_whole, name: string) => pathSegment(name, prng, pools));
  return { operation, method: operation.method, path: path + queryString(operation, prng), body: body(operation, prng, options) };
}
