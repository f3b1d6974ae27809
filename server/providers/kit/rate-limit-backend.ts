/** What both rate-limit backends share: the interface the transport calls, the burst rule, and the wait for a slot
 * that ends in Elasticsearch's 429 when the call's deadline passes first (reference §1.5, §7). */
import { startRateLimitWait } from '../../observability/request-scope';
import { statusException } from '../../http/errors';
import type { Deadline } from '../../inference/deadline';
import { abortableSleep } from './abortable-sleep';

/** Where `rate_limit.requests_per_minute` is kept: in this process, or in a database every replica shares. */
export interface RateLimitBackend {
  /** Waits for a request slot of the endpoint; throws 429 when the deadline passes first. */
  acquire(inferenceId: string, requestsPerInterval: number | undefined, deadline: Deadline): Promise<void>;
  /** The endpoint is gone: drop what is kept for it. */
  forget(inferenceId: string): void;
  close(): Promise<void>;
}

/** A call whose deadline passed while it waited for a request slot. */
export const rateLimitTimeout = (deadline: Deadline, inferenceId: string) =>
  statusException(429, `Request timed out after [${deadline.timeout.label}] for inference id [${inferenceId}]`);

/** A burst of up to one second's worth of requests; at least one. */
export function burstSize(requestsPerInterval: number, intervalMs: number): number {
  return Math.max(1, Math.floor(requestsPerInterval / Math.max(1, intervalMs / 1000)));
}

/**
 * Takes a slot with `take` (0: taken; else the milliseconds until one may be free), sleeping in between, never past
 * the deadline. A request still waiting at its deadline gets 429 `Request timed out after [..] for inference id [..]`.
 */
export async function waitForSlot(inferenceId: string, deadline: Deadline, take: () => number | Promise<number>): Promise<void> {
  let wait = await take();
  if (wait === 0 && !deadline.signal.aborted) return;
  const endWait = startRateLimitWait();
  while (wait > 0 && !deadline.signal.aborted) {
    await abortableSleep(Math.min(wait, Math.max(1, deadline.remainingMs())), deadline.signal);
    if (deadline.signal.aborted) break;
    wait = await take();
  }
  endWait();
  if (deadline.signal.aborted) {
    if (deadline.timedOut) throw rateLimitTimeout(deadline, inferenceId);
    throw deadline.signal.reason;
  }
}
