/** AWS's `application/vnd.amazon.eventstream` messages as the AWS mocks send them (the SDK's codec encodes them). */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function message(headers: Record<string, string>, payload: Uint8Array): Buffer {
  const typed = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, { type: 'string' as const, value }]));
  return Buffer.from(codec.encode({ headers: typed, body: payload }));
}

/** An `event` message of `eventType` with a JSON payload (Bedrock's ConverseStream events). */
export function awsEvent(eventType: string, payload: unknown): Buffer {
  return message({ ':message-type': 'event', ':event-type': eventType, ':content-type': 'application/json' }, fromUtf8(JSON.stringify(payload)));
}

/** An `event` message whose payload is raw bytes (SageMaker's PayloadPart). */
export function awsBytesEvent(eventType: string, payload: Uint8Array | string): Buffer {
  const bytes = typeof payload === 'string' ? fromUtf8(payload) : payload;
  return message({ ':message-type': 'event', ':event-type': eventType, ':content-type': 'application/octet-stream' }, bytes);
}

/** An `exception` message, e.g. `throttlingException` or `modelStreamErrorException`, with `{"message": ...}`. */
export function awsException(exceptionType: string, errorMessage: string): Buffer {
  return message(
    { ':message-type': 'exception', ':exception-type': exceptionType, ':content-type': 'application/json' },
    fromUtf8(JSON.stringify({ message: errorMessage })),
  );
}
