/** What many suites assert: Elasticsearch's error envelopes, server-sent event framing, and that no secret (nor any
 * 8-character piece of one) left the server. */
import type { TestResponse, TestServer } from './server';

export const BOM = '\uFEFF';
export const DONE_FRAME = `${BOM}event: message\ndata: [DONE]\n\n`;

/** Status, envelope, type and reason of an Elasticsearch error (the reason exactly, or matching a pattern). */
export function expectEsError(response: TestResponse, status: number, type: string, reason: string | RegExp): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.json?.status).toBe(status);
  expect(response.json?.error?.type).toBe(type);
  if (typeof reason === 'string') expect(response.json.error.reason).toBe(reason);
  else expect(response.json.error.reason).toMatch(reason);
  expect(Array.isArray(response.json.error.root_cause)).toBe(true);
}

/** The whole envelope of a simple (cause-less) error. */
export function expectSimpleEsError(response: TestResponse, status: number, type: string, reason: string): void {
  expect({ status: response.status, body: response.json }).toEqual({
    status,
    body: { error: { root_cause: [{ type, reason }], type, reason }, status },
  });
}

/** Every 8-character run of a secret. */
export function fragmentsOf(secret: string, size = 8): string[] {
  const fragments: string[] = [];
  for (let i = 0; i + size <= secret.length; i++) fragments.push(secret.slice(i, i + size));
  return fragments;
}

/** The pieces of `secret` found in any of `texts`. */
export function leaks(texts: readonly string[], secret: string): string[] {
  return fragmentsOf(secret).filter((piece) => texts.some((text) => text.includes(piece)));
}

export function expectNoSecret(text: string, secret: string): void {
  expect(text).not.toContain(secret);
  expect(leaks([text], secret)).toEqual([]);
}

/** Nothing the server answered or logged holds a piece of any of `secrets`. */
export function expectNoSecretLeft(server: TestServer, secrets: readonly string[]): void {
  const everything = [...server.bodies, ...server.logs];
  for (const secret of secrets) expect({ secret, leaks: leaks(everything, secret) }).toEqual({ secret, leaks: [] });
}

export interface RawResponse {
  status: number;
  headers: Headers;
  /** The body decoded without dropping byte-order marks. */
  text: string;
}

/** POSTs JSON and decodes the whole body keeping every BOM (`response.text()` would strip the first). */
export async function postRaw(server: TestServer, path: string, body: unknown): Promise<RawResponse> {
  const response = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
  server.bodies.push(text);
  return { status: response.status, headers: response.headers, text };
}

export interface Frame {
  event: 'message' | 'error';
  data: string;
}

/** Splits an SSE body into frames, requiring Elasticsearch's exact framing for each (reference §4.1). */
export function framesOf(text: string): Frame[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((raw) => {
      const match = /^\uFEFFevent: (message|error)\ndata: ([^\n]*)$/.exec(raw);
      if (!match) throw new Error(`not an Elasticsearch SSE frame: ${JSON.stringify(raw)}`);
      return { event: match[1] as Frame['event'], data: match[2] };
    });
}

export function expectEventStream(response: RawResponse, status: number): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  expect(response.headers.get('x-elastic-product')).toBe('Elasticsearch');
}

/** The one error frame of a stream that failed before its first event, parsed. */
export function onlyErrorFrame(response: RawResponse): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const frames = framesOf(response.text);
  expect(frames.map((frame) => frame.event)).toEqual(['error']);
  return JSON.parse(frames[0].data);
}
