/** Failed authentication attempts per client address: beyond `limit` within `windowMs`, the address waits until the
 * window of its oldest failure has passed. Bounded, so that a flood of addresses cannot grow it without end. */
const MAX_ADDRESSES = 10_000;

export class FailedAttempts {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(address: string): number[] {
    const since = this.now() - this.windowMs;
    const times = (this.failures.get(address) ?? []).filter((time) => time > since);
    if (times.length === 0) this.failures.delete(address);
    else this.failures.set(address, times);
    return times;
  }

  /** Seconds the address must wait before its next attempt, or 0. */
  retryAfterSeconds(address: string): number {
    if (this.limit === 0) return 0;
    const times = this.recent(address);
    if (times.length < this.limit) return 0;
    return Math.max(1, Math.ceil((times[times.length - this.limit]! + this.windowMs - this.now()) / 1000));
  }

  record(address: string): void {
    if (this.limit === 0) return;
    const times = this.recent(address);
    times.push(this.now());
    this.failures.delete(address);
    this.failures.set(address, times.slice(-this.limit));
    if (this.failures.size > MAX_ADDRESSES) this.failures.delete(this.failures.keys().next().value!);
  }
}
