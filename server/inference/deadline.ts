/** The time budget of one call (`timeout`), and the signal that stops its upstream work when the budget runs
 * out or the client goes away. */
import { statusException } from '../http/errors';
import type { TimeValue } from '../http/time-value';
import { timerDelay } from '../http/timer-delay';

export class Deadline {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  private expiresAt: number;
  timedOut = false;

  constructor(
    readonly timeout: TimeValue,
    clientGone?: AbortSignal,
  ) {
    this.expiresAt = Date.now() + timeout.ms;
    this.arm(timeout.ms);
    clientGone?.addEventListener('abort', () => this.controller.abort(clientGone.reason), { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  remainingMs(): number {
    return Math.max(0, this.expiresAt - Date.now());
  }

  /** Gives the call a fresh budget of the same length (streams: each gap between events). The live timer is
   * refreshed in place: no new timer per event. */
  restart(): void {
    this.expiresAt = Date.now() + this.timeout.ms;
    if (this.timer && !this.disposed) this.timer.refresh();
    else this.arm(this.timeout.ms);
  }

  /** No more timing out: the result is being delivered. Nothing is aborted (an abort would make an Error). */
  dispose(): void {
    clearTimeout(this.timer);
    this.disposed = true;
  }

  abort(reason?: unknown): void {
    this.dispose();
    this.controller.abort(reason);
  }

  timeoutError() {
    return statusException(408, `Request timed out after [${this.timeout.label}]`);
  }

  private arm(ms: number): void {
    clearTimeout(this.timer);
    this.disposed = false;
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(this.timeoutError());
    }, timerDelay(ms));
    this.timer.unref();
  }
}
