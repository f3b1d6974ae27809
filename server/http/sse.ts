/** Server-sent events exactly as Elasticsearch writes them (reference §4.1): a UTF-8 BOM before every event,
 * `event: message|error`, one line of compact JSON, and `data: [DONE]` to finish. */
import type { ServerResponse } from 'node:http';
import type { Response } from 'express';

export const DONE = '[DONE]';

export function sseFrame(event: 'message' | 'error', data: unknown): string {
  return `\uFEFFevent: ${event}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

/** The status and headers of an event stream; sent with the first frame written (one packet, not two). */
export function setEventStreamHeaders(response: Response, status: number): void {
  response.status(status);
  response.setHeader('Content-Type', 'text/event-stream');
  response.setHeader('Cache-Control', 'no-cache');
}

/** The headers of an event stream, sent now (so that a body given to `end` is still chunked, as Elasticsearch's). */
export function startEventStream(response: Response, status: number): void {
  setEventStreamHeaders(response, status);
  response.flushHeaders();
}

/** How a stream's events are written, and a stream that fails before its first event. */
export interface EventFraming {
  frame(event: 'message' | 'error', data: unknown): string;
  failBeforeStart(response: Response, status: number, data: unknown): void;
}

/** A whole stream that failed before its first event: the error's status and one error frame. */
export function writeEventStreamError(response: Response, status: number, data: unknown): void {
  startEventStream(response, status);
  response.end(sseFrame('error', data));
}

export const ELASTICSEARCH_FRAMING: EventFraming = { frame: sseFrame, failBeforeStart: writeEventStreamError };

/** OpenAI's streams: `data:` lines only (an error is an event whose data is the error body), and a failure before
 * the first event is a plain JSON error answer. */
export const OPENAI_FRAMING: EventFraming = {
  frame: (_event, data) => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`,
  failBeforeStart: (response, status, data) => void response.status(status).json(data),
};

/** Resolves once the client has taken what was written ('drain') or is gone ('close'), leaving no listener behind
 * (a slow client makes a stream wait many times; a listener left per wait would grow with the stream). */
export function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/** Writes one event; false when the client is slower than the provider and should be waited for (`drained`). */
export function writeFrame(response: Response, event: 'message' | 'error', data: unknown, framing: EventFraming): boolean {
  return response.write(framing.frame(event, data)) || response.destroyed;
}

/** Writes one event and, when the client is slower than the provider, waits until it has taken it. */
export async function writeEvent(response: Response, event: 'message' | 'error', data: unknown, framing: EventFraming = ELASTICSEARCH_FRAMING): Promise<void> {
  if (!writeFrame(response, event, data, framing)) await drained(response);
}
