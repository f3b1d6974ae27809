/** `rate_limit.requests_per_minute`, enforced per endpoint with a token bucket (the `limiter` package): requests
 * wait their turn; one still waiting when its timeout expires gets 429 (reference §1.5, §7). */
import { startRateLimitWait } from '../../observability/request-scope';
import { TokenBucket } from 'limiter';
import { abortableSleep } from './abortable-sleep';
import { statusException } from '../../http/errors';
import type { Deadline } from '../../inference/deadline';

/** A call whose deadline passed while it waited for a request slot. */
export const rateLimitTimeout = (deadline: Deadline, inferenceId: string) =>
  statusException(429, `Request timed out after [${deadline.timeout.label}] for inference id [${inferenceId}]`);

export class RateLimiters {
  private readonly buckets = new Map<string, { perInterval: number; bucket: TokenBucket }>();

  constructor(private readonly intervalMs: number) {}

  /** Waits for a request slot of the endpoint; throws 429 when the deadline passes first. */
  async acquire(inferenceId: string, requestsPerInterval: number | undefined, deadline: Deadline): Promise<void> {
    if (!requestsPerInterval) return;
    const bucket = this.bucketFor(inferenceId, requestsPerInterval);
    const msPerToken = this.intervalMs / requestsPerInterval;
    if (bucket.tryRemoveTokens(1)) return;
    const endWait = startRateLimitWait();
    while (!bucket.tryRemoveTokens(1)) {
      if (deadline.signal.aborted) break;
      const wait = Math.max(1, Math.ceil((1 - bucket.content) * msPerToken));
      await abortableSleep(Math.min(wait, Math.max(1, deadline.remainingMs())), deadline.signal);
    }
    endWait();
    if (deadline.signal.aborted) {
      if (deadline.timedOut) {
        throw rateLimitTimeout(deadline, inferenceId);
      }
      throw deadline.signal.reason;
    }
  }

  forget(inferenceId: string): void {
    this.buckets.delete(inferenceId);
  }

  private bucketFor(inferenceId: string, perInterval: number): TokenBucket {
    const existing = this.buckets.get(inferenceId);
    if (existing && existing.perInterval === perInterval) return existing.bucket;
    // A burst of up to one second's worth of requests; at least one.
    const bucketSize = Math.max(1, Math.floor(perInterval / Math.max(1, this.intervalMs / 1000)));
    const bucket = new TokenBucket({ bucketSize, tokensPerInterval: perInterval, interval: this.intervalMs });
    bucket.content = bucketSize;
    this.buckets.set(inferenceId, { perInterval, bucket });
    return bucket;
  }
}
