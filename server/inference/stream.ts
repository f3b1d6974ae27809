/**
 * Relays a provider's stream to the client as server-sent events. The call's timeout bounds the wait for the first
 * event and then each gap between events; an error before the first event sets the HTTP status, a later one becomes an
 * error event without `[DONE]` (reference §4.2). A client that goes away aborts the provider request.
 */
import { noteErrorType } from '../observability/request-scope';
import type { Response } from 'express';
import type { EsError } from '../http/errors';
import { DONE, ELASTICSEARCH_FRAMING, startEventStream, writeEvent, type EventFraming } from '../http/sse';
import type { CallContext } from './call-context';
import { callError } from './call';

/** How long an aborted stream's source may take to fail in its own words (a rate limit wait says 429, not 408). */
const ABORT_GRACE_MS = 50;

function nextBefore<T>(iterator: AsyncIterator<T>, signal: AbortSignal): Promise<IteratorResult<T>> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => setTimeout(() => reject(signal.reason), ABORT_GRACE_MS).unref();
    signal.addEventListener('abort', onAbort, { once: true });
    iterator.next().then(
      (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export async function relayStream<T>(
  response: Response,
  call: CallContext,
  source: AsyncIterable<T>,
  renderError: (error: EsError) => unknown,
  framing: EventFraming = ELASTICSEARCH_FRAMING,
): Promise<void> {
  const iterator = source[Symbol.asyncIterator]();
  let started = false;
  try {
    for (;;) {
      const next = await nextBefore(iterator, call.deadline.signal);
      if (next.done) break;
      if (!started) startEventStream(response, 200);
      started = true;
      call.deadline.restart();
      await writeEvent(response, 'message', next.value, framing);
    }
    if (!started) startEventStream(response, 200);
    await writeEvent(response, 'message', DONE, framing);
    response.end();
  } catch (thrown) {
    const error = callError(thrown, call.deadline);
    noteErrorType(error.type);
    if (error.status === 499 || response.destroyed) {
      response.destroy();
      return;
    }
    if (started) {
      await writeEvent(response, 'error', renderError(error), framing);
      response.end();
    } else {
      framing.failBeforeStart(response, error.status, renderError(error));
    }
  } finally {
    call.deadline.abort();
    void iterator.return?.()?.catch(() => undefined);
  }
}
