/**
 * Relays a provider's stream to the client as server-sent events. The call's timeout bounds the wait for the first
 * event and then each gap between events; an error before the first event sets the HTTP status, a later one becomes an
 * error event without `[DONE]` (reference §4.2). A client that goes away aborts the provider request.
 *
 * The hot path allocates what each frame needs and no more: one abort listener per stream (not per event), the
 * deadline's timer refreshed in place, and a normal end creates no Error (the deadline is disposed, not aborted).
 *
 * Back-pressure: while the client has not taken what was written, the source is not pulled, so the provider's body
 * is not read, its socket fills and the provider waits. That wait is the client's, not a gap of the provider's: the
 * deadline stands still meanwhile.
 */
import { noteErrorType } from '../observability/request-scope';
import type { Response } from 'express';
import type { EsError } from '../http/errors';
import { DONE, ELASTICSEARCH_FRAMING, drained, setEventStreamHeaders, writeEvent, writeFrame, type EventFraming } from '../http/sse';
import type { CallContext } from './call-context';
import { callError } from './call';

/** How long an aborted stream's source may take to fail in its own words (a rate limit wait says 429, not 408). */
const ABORT_GRACE_MS = 50;

/** Pulls a source's events, each wait cut short (after the grace) when the signal aborts. */
class AbortableReader<T> {
  private failPending: ((reason: unknown) => void) | undefined;

  constructor(
    private readonly iterator: AsyncIterator<T>,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', () => setTimeout(() => this.failPending?.(signal.reason), ABORT_GRACE_MS).unref(), { once: true });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason);
    return new Promise((resolve, reject) => {
      this.failPending = reject;
      this.iterator.next().then(resolve, reject);
    });
  }
}

export async function relayStream<T>(
  response: Response,
  call: CallContext,
  source: AsyncIterable<T>,
  renderError: (error: EsError) => unknown,
  framing: EventFraming = ELASTICSEARCH_FRAMING,
): Promise<void> {
  const iterator = source[Symbol.asyncIterator]();
  const reader = new AbortableReader(iterator, call.deadline.signal);
  let started = false;
  try {
    for (;;) {
      const next = await reader.next();
      if (next.done) break;
      // The headers go out with the first event, in one write.
      if (!started) setEventStreamHeaders(response, 200);
      started = true;
      call.deadline.restart();
      if (!writeFrame(response, 'message', next.value, framing)) {
        call.deadline.dispose();
        await drained(response);
        call.deadline.restart();
      }
    }
    call.deadline.dispose();
    if (!started) setEventStreamHeaders(response, 200);
    await writeEvent(response, 'message', DONE, framing);
    response.end();
  } catch (thrown) {
    const error = callError(thrown, call.deadline);
    // Whatever the source still does upstream stops (an Error here is no cost: this is the failure path).
    call.deadline.abort();
    void iterator.return?.()?.catch(() => undefined);
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
  }
}
