/** `?pretty` and `?filter_path` for JSON responses, as Elasticsearch applies them to every API. */
import type { NextFunction, Request, Response } from 'express';
import { globMatches } from './glob';

type Json = unknown;

/** One dot-separated segment of a filter: `**` matches any depth, anything else is a `*` glob on one key. */
type Segment = string;

const compile = (pattern: string): Segment[] => pattern.split('.');
const ANY_DEPTH = '**';
const test = (segment: Segment, key: string) => globMatches(segment, key);

/** Keeps what one of the include paths reaches; drops what an exclude path (leading `-`) reaches. */
export function filterPath(value: Json, filters: string[]): Json {
  const includes = filters.filter((f) => !f.startsWith('-')).map(compile);
  const excludes = filters.filter((f) => f.startsWith('-')).map((f) => compile(f.slice(1)));
  let result = includes.length > 0 ? select(value, includes) : value;
  for (const exclude of excludes) result = remove(result, exclude);
  return result === undefined ? {} : result;
}

function matchesAt(patterns: Segment[][], key: string): { done: boolean; rest: Segment[][] } {
  const rest: Segment[][] = [];
  let done = false;
  for (const pattern of patterns) {
    const [head, ...tail] = pattern;
    if (head === ANY_DEPTH && tail.length === 0) {
      done = true; // a trailing `**` keeps everything below
    } else if (head === ANY_DEPTH) {
      rest.push(pattern); // `**` keeps matching deeper
      if (tail.length > 0 && test(tail[0], key)) (tail.length === 1 ? (done = true) : rest.push(tail.slice(1)));
    } else if (test(head, key)) {
      if (tail.length === 0) done = true;
      else rest.push(tail);
    }
  }
  return { done, rest };
}

function select(value: Json, patterns: Segment[][]): Json {
  if (Array.isArray(value)) {
    const items = value.map((item) => select(item, patterns)).filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const out: Record<string, Json> = {};
  for (const [key, inner] of Object.entries(value)) {
    const { done, rest } = matchesAt(patterns, key);
    const kept = done ? inner : rest.length > 0 ? select(inner, rest) : undefined;
    if (kept !== undefined) out[key] = kept;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function remove(value: Json, pattern: Segment[]): Json {
  if (Array.isArray(value)) return value.map((item) => remove(item, pattern));
  if (!value || typeof value !== 'object') return value;
  const [head, ...tail] = pattern;
  const out: Record<string, Json> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (!test(head, key)) out[key] = inner;
    else if (tail.length > 0) out[key] = remove(inner, tail);
  }
  return out;
}

const flag = (value: unknown) => value === '' || value === 'true' || value === true;

/** Replaces res.json so that every JSON answer honours `pretty` and `filter_path`. */
export function responseFormat(request: Request, response: Response, next: NextFunction): void {
  const send = response.send.bind(response);
  response.json = (body: Json) => {
    const filters = typeof request.query.filter_path === 'string' ? request.query.filter_path.split(',').filter(Boolean) : [];
    const shaped = filters.length > 0 ? filterPath(body, filters) : body;
    const text = flag(request.query.pretty) ? `${JSON.stringify(shaped, null, 2)}\n` : JSON.stringify(shaped);
    if (!response.get('Content-Type')) response.setHeader('Content-Type', 'application/json; charset=utf-8');
    return send(text);
  };
  next();
}
