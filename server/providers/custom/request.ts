/**
 * The upstream request of a custom endpoint, as Elasticsearch's CustomRequest builds it: the URL, query parameter
 * values and headers filled in from the string-valued secret and task parameters; the body template from all of
 * them written as JSON, with the call's own values (`${input}` and the task's others).
 */
import { substitute } from './template';

export interface CustomSettings {
  url: string;
  headers?: Record<string, string | null>;
  query_parameters?: [string, string][];
  request: string;
  batch_size?: number;
  input_type?: { translation?: Record<string, string>; default?: string };
}

export type Parameters = Record<string, unknown>;

export interface UpstreamCall {
  url: string;
  headers: Record<string, string>;
  contentType: string;
  body: string;
}

/** Elasticsearch's XContentType.JSON.mediaType(), replaced by a user's Content-Type header. */
const DEFAULT_CONTENT_TYPE = 'application/json';

function stringValues(...sources: Parameters[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const source of sources) for (const [key, value] of Object.entries(source)) if (typeof value === 'string') values.set(key, value);
  return values;
}

function jsonValues(call: Record<string, unknown>, ...sources: Parameters[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const source of [...sources, call]) {
    for (const [key, value] of Object.entries(source)) if (value !== undefined) values.set(key, JSON.stringify(value));
  }
  return values;
}

function withQuery(url: string, pairs: readonly [string, string][], values: ReadonlyMap<string, string>): string {
  const filled = pairs.map(([key, value]) => [key, substitute(value, values, `query parameters: [${key}]`)] as const);
  if (filled.length === 0 || !URL.canParse(url)) return url;
  const target = new URL(url);
  for (const [key, value] of filled) target.searchParams.append(key, value);
  return target.toString();
}

/**
 * The request for one call. `callValues` are the task's placeholders (`input`, `query`, ...): a value of undefined
 * leaves its placeholder unknown. Throws UnknownPlaceholderError naming the setting of an unknown placeholder.
 */
export function buildRequest(settings: CustomSettings, secrets: Parameters, parameters: Parameters, callValues: Record<string, unknown>): UpstreamCall {
  const strings = stringValues(secrets, parameters);
  const url = withQuery(substitute(settings.url, strings, 'url'), settings.query_parameters ?? [], strings);
  const headers: Record<string, string> = {};
  let contentType = DEFAULT_CONTENT_TYPE;
  for (const [name, value] of Object.entries(settings.headers ?? {})) {
    if (value === null) continue;
    const filled = substitute(value, strings, `header.${name}`);
    if (name.toLowerCase() === 'content-type') contentType = filled;
    else headers[name] = filled;
  }
  const body = substitute(settings.request, jsonValues(callValues, secrets, parameters), 'request');
  return { url, headers, contentType, body };
}

/** `${input_type}`: the translation of the call's input type, else the configured default (JSON null without one). */
export function inputTypeValue(settings: CustomSettings, inputType: string | undefined): string | null {
  const translation = settings.input_type?.translation ?? {};
  if (inputType !== undefined && Object.hasOwn(translation, inputType)) return translation[inputType];
  return settings.input_type?.default ?? null;
}
