/**
 * A provider's streamed body, read so that a stream that ends well creates no Error. Breaking out of a plain
 * `for await` over the body destroys it, and a body destroyed before its end makes an AbortError (Node) and a
 * RequestAbortedError (undici) with their stack traces — on every stream, since `[DONE]` comes before the body's
 * end. Here the body is iterated without destroy-on-return; once the stream is over it is read to its end (a few
 * bytes: the chunked body's terminator), which also keeps the connection for the next request. A stream that did
 * not end well (a failure, a client gone) destroys it at once.
 */
import type { Dispatcher } from 'undici';

/** What may still follow `[DONE]` before the body ends; beyond it the body is dropped (the connection with it). */
const TRAILING_LIMIT = 64 * 1024;

const ignore = () => undefined;

export interface StreamedBody {
  chunks: AsyncIterable<Buffer>;
  /** The stream is over: `completed` when it ended well. */
  finish(completed: boolean): void;
}

export function streamedBody(body: Dispatcher.ResponseData['body']): StreamedBody {
  return {
    chunks: body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>,
    finish(completed) {
      if (!completed) body.destroy();
      else if (!body.readableEnded) body.dump({ limit: TRAILING_LIMIT }).catch(ignore);
    },
  };
}
