/** Reads a provider's server-sent events (the `data` of each event) from a response body, with eventsource-parser. */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export async function* sseData(body: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const pending: string[] = [];
  const parser = createParser({ onEvent: (event: EventSourceMessage) => pending.push(event.data) });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    while (pending.length > 0) yield pending.shift() as string;
  }
  parser.feed(decoder.decode());
  while (pending.length > 0) yield pending.shift() as string;
}
