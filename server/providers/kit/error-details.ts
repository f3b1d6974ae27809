/** Reading a provider's own message, type and code out of its error bodies. */
import type { z } from 'zod';

export interface ProviderErrorDetails {
  message?: string;
  type?: string;
  code?: string;
  param?: string;
}

/** Reads an error body: its JSON (undefined when it was not JSON) and its text; for a non-2xx answer also its
 * headers (AWS names the error in `x-amzn-ErrorType`), absent for an error sent inside a stream. */
export type ErrorDetailsParser = (
  json: unknown,
  text: string,
  headers?: Record<string, string | string[] | undefined>,
) => ProviderErrorDetails | undefined;

/** A parser from a zod schema of the provider's error body and what to take from a body that fits it. */
export function errorDetailsFrom<Body>(schema: z.ZodType<Body, z.ZodTypeDef, unknown>, pick: (body: Body) => ProviderErrorDetails): ErrorDetailsParser {
  return (body) => {
    const parsed = schema.safeParse(body);
    return parsed.success ? pick(parsed.data) : undefined;
  };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Bodies of the common shapes: `{"error":{"message"}}`, `{"error":"..."}`, `{"message"}`, `{"detail"}`. */
export function genericErrorDetails(body: unknown): ProviderErrorDetails | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  const error = record.error;
  if (error && typeof error === 'object') {
    const inner = error as Record<string, unknown>;
    return { message: text(inner.message), type: text(inner.type), code: text(inner.code), param: text(inner.param) };
  }
  if (typeof error === 'string') return { message: error };
  if (typeof record.message === 'string') return { message: record.message };
  if (typeof record.detail === 'string') return { message: record.detail };
  return undefined;
}

/** Elasticsearch's "stringify" parser of some services: the whole body is the message, under a fixed type. */
export function wholeBodyErrorDetails(type: string): ErrorDetailsParser {
  return (_json, text) => (text.trim() === '' ? undefined : { message: text, type });
}
