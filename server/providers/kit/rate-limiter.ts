/** `rate_limit.requests_per_minute` kept in this process, with a token bucket per endpoint (the `limiter` package):
 * requests wait their turn; one still waiting when its timeout expires gets 429 (reference §1.5, §7). */
import { TokenBucket } from 'limiter';
import type { Deadline } from '../../inference/deadline';
import { burstSize, waitForSlot, type RateLimitBackend } from './rate-limit-backend';

export class RateLimiters implements RateLimitBackend {
  private readonly buckets = new Map<string, { perInterval: number; bucket: TokenBucket }>();

  constructor(private readonly intervalMs: number) {}

  async acquire(inferenceId: string, requestsPerInterval: number | undefined, deadline: Deadline): Promise<void> {
    if (!requestsPerInterval) return;
    const bucket = this.bucketFor(inferenceId, requestsPerInterval);
    const msPerToken = this.intervalMs / requestsPerInterval;
    await waitForSlot(inferenceId, deadline, () =>
      bucket.tryRemoveTokens(1) ? 0 : Math.max(1, Math.ceil((1 - bucket.content) * msPerToken)),
    );
  }

  forget(inferenceId: string): void {
    this.buckets.delete(inferenceId);
  }

  async close(): Promise<void> {}

  private bucketFor(inferenceId: string, perInterval: number): TokenBucket {
    const existing = this.buckets.get(inferenceId);
    if (existing && existing.perInterval === perInterval) return existing.bucket;
    const bucketSize = burstSize(perInterval, this.intervalMs);
    const bucket = new TokenBucket({ bucketSize, tokensPerInterval: perInterval, interval: this.intervalMs });
    bucket.content = bucketSize;
    this.buckets.set(inferenceId, { perInterval, bucket });
    return bucket;
  }
}
