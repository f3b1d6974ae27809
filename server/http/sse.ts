/** Server-sent events exactly as Elasticsearch writes them (reference §4.1): a UTF-8 BOM before every event,
 * `event: message|error`, one line of compact JSON, and `data: [DONE]` to finish. */
import { once } from 'node:events';
import type { Response } from 'express';

export const DONE = '[DONE]';

export function sseFrame(event: 'message' | 'error', data: unknown): string {
  return `\uFEFFevent: ${event}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

export function startEventStream(response: Response, status: number): void {
  response.status(status);
  response.setHeader('Content-Type', 'text/event-stream');
  response.setHeader('Cache-Control', 'no-cache');
  response.flushHeaders();
}

/** Writes one event, waiting while the client is slower than the provider. */
export async function writeEvent(response: Response, event: 'message' | 'error', data: unknown): Promise<void> {
  if (!response.write(sseFrame(event, data)) && !response.destroyed) {
    await Promise.race([once(response, 'drain'), once(response, 'close')]);
  }
}

/** A whole stream that failed before its first event: the error's status and one error frame. */
export function writeEventStreamError(response: Response, status: number, data: unknown): void {
  startEventStream(response, status);
  response.end(sseFrame('error', data));
}
