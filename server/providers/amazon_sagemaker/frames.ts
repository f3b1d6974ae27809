/**
 * InvokeEndpointWithResponseStream's answer: an AWS event stream whose PayloadPart events carry the endpoint's bytes
 * (kit/aws/event-stream.ts). The `openai` api streams server-sent events inside them, split across parts anywhere;
 * the `elastic` api sends one JSON chunk per part. An exception message (ModelStreamError, InternalStreamFailure)
 * ends the stream with the error Elasticsearch makes of the SDK's exception.
 */
import { awsEventMessages } from '../kit/aws/event-stream';
import type { FrameDecoder } from '../kit/provider-client';
import type { ErrorContext } from '../kit/provider-error';
import { sseData } from '../kit/upstream-sse';
import { sageMakerError } from './errors';
import type { SageMakerApi } from './settings';

function exceptionMessage(payload: Uint8Array): string {
  try {
    const body = JSON.parse(Buffer.from(payload).toString('utf8')) as { message?: unknown; Message?: unknown };
    const message = body.message ?? body.Message;
    return typeof message === 'string' ? message : 'null';
  } catch {
    return Buffer.from(payload).toString('utf8');
  }
}

/** The bytes of each PayloadPart; other events are skipped, an exception or error message is thrown. */
async function* payloadParts(body: AsyncIterable<Buffer>, context: ErrorContext): AsyncGenerator<Buffer> {
  for await (const { headers, payload } of awsEventMessages(body)) {
    const kind = headers[':message-type'];
    if (kind === 'event') {
      if (headers[':event-type'] === 'PayloadPart') yield Buffer.from(payload);
      continue;
    }
    if (kind === 'exception') throw sageMakerError(headers[':exception-type'] ?? '', context, exceptionMessage(payload));
    throw sageMakerError(headers[':error-code'] ?? '', context, headers[':error-message'] ?? 'null');
  }
}

async function* wholeParts(body: AsyncIterable<Buffer>, context: ErrorContext): AsyncGenerator<string> {
  for await (const part of payloadParts(body, context)) yield part.toString('utf8');
}

export function sageMakerFrames(api: SageMakerApi, context: ErrorContext): FrameDecoder {
  return (body) => (api === 'openai' ? sseData(payloadParts(body, context)) : wholeParts(body, context));
}
