/**
 * AWS's `application/vnd.amazon.eventstream` framing (the streams of Bedrock's ConverseStream and SageMaker's
 * InvokeEndpointWithResponseStream): binary messages with a prelude, typed headers and a CRC each, decoded by the
 * AWS SDK's codec (@smithy/eventstream-codec).
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { FrameDecoder } from '../provider-client';

export interface AwsEventMessage {
  /** The string headers: `:message-type` (`event`, `exception`, `error`), `:event-type`, `:exception-type`, ... */
  headers: Record<string, string>;
  payload: Uint8Array;
}

/** AWS limits an event-stream message to 16 MB: a longer prelude is a broken or hostile stream. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const PRELUDE_BYTES = 12;

export class MalformedEventStream extends Error {}

/** The messages of an event stream, as they arrive. A truncated or corrupt one throws MalformedEventStream. The
 * chunks of a message are joined once it is whole, not on every chunk (a message cut into many small chunks would
 * otherwise cost the square of its size). */
export async function* awsEventMessages(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<AwsEventMessage> {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  let chunks: Buffer[] = [];
  let size = 0;
  let needed = PRELUDE_BYTES;
  for await (const chunk of body) {
    const bytes = Buffer.from(chunk);
    chunks.push(bytes);
    size += bytes.length;
    while (size >= needed) {
      let pending = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      const length = pending.readUInt32BE(0);
      if (length < PRELUDE_BYTES + 4 || length > MAX_MESSAGE_BYTES) throw new MalformedEventStream(`an event-stream message of ${length} bytes`);
      chunks = [pending];
      if (size < length) {
        needed = length;
        break;
      }
      yield decode(codec, pending.subarray(0, length));
      pending = pending.subarray(length);
      chunks = pending.length > 0 ? [pending] : [];
      size = pending.length;
      needed = PRELUDE_BYTES;
    }
  }
  if (size > 0) throw new MalformedEventStream('the event stream ended inside a message');
}

function decode(codec: EventStreamCodec, bytes: Uint8Array): AwsEventMessage {
  let message;
  try {
    message = codec.decode(bytes);
  } catch (error) {
    throw new MalformedEventStream(error instanceof Error ? error.message : 'an unreadable event-stream message');
  }
  const headers: Record<string, string> = {};
  for (const [name, header] of Object.entries(message.headers)) {
    if (header.type === 'string') headers[name] = header.value;
  }
  return { headers, payload: message.body };
}

/**
 * The messages of a stream whose payloads are JSON (Bedrock's ConverseStream), each as the JSON text
 * `{"<event or exception type>": <payload>}` — the shape the AWS SDK gives its events — for postEventStream.
 * An `error` message (no payload) becomes `{"<error code>": {"message": "<error message>"}}`.
 */
export const awsJsonEvents: FrameDecoder = async function* (body) {
  const decoder = new TextDecoder();
  for await (const { headers, payload } of awsEventMessages(body)) {
    const kind = headers[':message-type'];
    if (kind === 'error') {
      yield JSON.stringify({ [headers[':error-code'] ?? 'error']: { message: headers[':error-message'] ?? '' } });
      continue;
    }
    const type = (kind === 'exception' ? headers[':exception-type'] : headers[':event-type']) ?? 'unknown';
    const text = decoder.decode(payload).trim();
    yield `{${JSON.stringify(type)}:${text === '' ? '{}' : text}}`;
  }
};
