import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { errorFromEnvelope, errorFromResponse, type InfergateError } from './errors';

export interface StreamEvent<T> {
  event: 'message';
  data: T;
}

export type EventStream<T> = AsyncGenerator<StreamEvent<T>, void, undefined>;

/** What an openapi-fetch call with `parseAs: 'stream'` resolves to. */
export interface StreamResponse {
  data?: ReadableStream<Uint8Array> | null;
  error?: unknown;
  response: Response;
}

const DONE = '[DONE]';

/**
 * Sends the request when iteration starts and yields the stream's messages until `[DONE]`.
 * A non-2xx answer or an `error` event throws InfergateError. Leaving the loop early, or
 * aborting `signal`, aborts the request so the server sees the client disconnect.
 */
export async function* openEventStream<T>(
  send: (signal: AbortSignal) => Promise<StreamResponse>,
  signal?: AbortSignal,
): EventStream<T> {
  const controller = new AbortController();
  const forwardAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) forwardAbort();
  signal?.addEventListener('abort', forwardAbort, { once: true });
  try {
    const { data, error, response } = await send(controller.signal);
    if (!response.ok) throw errorFromStreamResponse(response.status, error);
    if (!data) throw new Error('The event stream ended before [DONE]');
    yield* parseEventStream<T>(data);
  } finally {
    signal?.removeEventListener('abort', forwardAbort);
    // Closes the connection if the consumer stopped early; a no-op once the body has been read.
    controller.abort();
  }
}

/** Parses an infergate event stream: yields each message's JSON data, stops at `[DONE]`, throws on an `error` event. */
export async function* parseEventStream<T>(body: ReadableStream<Uint8Array>): EventStream<T> {
  const decoder = new TextDecoder();
  const bomStripper = new LineStartBomStripper();
  const parsed: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => parsed.push(event) });
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      parser.feed(bomStripper.strip(done ? decoder.decode() : decoder.decode(value, { stream: true })));
      for (const event of parsed.splice(0)) {
        const type = event.event ?? 'message';
        if (type === 'error') throw errorFromEnvelope(parseJsonOrText(event.data));
        if (type !== 'message') continue;
        if (event.data === DONE) return;
        yield { event: 'message', data: JSON.parse(event.data) as T };
      }
      if (done) throw new Error('The event stream ended before [DONE]');
    }
  } finally {
    // Not awaited: leaving the loop must not wait on the network.
    reader.cancel().catch(() => undefined);
  }
}

/**
 * The server writes a UTF-8 BOM before every event, but an SSE parser strips a BOM only at the
 * very start of the stream and would otherwise read `\uFEFFevent` as an unknown field. This
 * removes each BOM that starts a line, remembering across chunks whether a chunk starts a line.
 */
export class LineStartBomStripper {
  private atLineStart = true;

  strip(chunk: string): string {
    let text = chunk.replace(/([\r\n])\uFEFF+/g, '$1');
    if (this.atLineStart) text = text.replace(/^\uFEFF+/, '');
    if (text.length > 0) this.atLineStart = /[\r\n]$/.test(text);
    return text;
  }
}

/** A pre-stream error body is either a JSON envelope (already parsed) or the text of one `error` frame. */
function errorFromStreamResponse(status: number, body: unknown): InfergateError {
  return errorFromResponse(status, typeof body === 'string' ? (errorFrameData(body) ?? body) : body);
}

function errorFrameData(text: string): unknown {
  let data: unknown;
  const parser = createParser({
    onEvent: (event) => {
      if (event.event === 'error' && data === undefined) data = parseJsonOrText(event.data);
    },
  });
  // The blank lines end a frame that lost its terminator.
  parser.feed(`${new LineStartBomStripper().strip(text)}\n\n`);
  return data;
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
