/** The bytes of request bodies held in memory across the whole server, bounded as Elasticsearch's in-flight requests
 * circuit breaker bounds them: a request that would push the total past the limit is refused with 429. */
import { EsError } from './errors';

const UNITS: Array<[string, number]> = [
  ['pb', 1024 ** 5],
  ['tb', 1024 ** 4],
  ['gb', 1024 ** 3],
  ['mb', 1024 ** 2],
  ['kb', 1024],
];

/** ByteSizeValue#toString: the largest unit reached, one decimal cut (not rounded) and dropped when zero. */
export function formatByteSize(bytes: number): string {
  const [suffix, size] = UNITS.find(([, unit]) => bytes >= unit) ?? ['b', 1];
  const tenths = Math.floor((bytes / size) * 10) / 10;
  return `${Number.isInteger(tenths) ? tenths : tenths.toFixed(1)}${suffix}`;
}

export const BREAKER_NAME = 'inflight_requests';
const LABEL = '<http_request>';

/** ChildMemoryCircuitBreaker#circuitBreak's exception, with CircuitBreakingException's metadata. */
export function circuitBreakingException(wanted: number, limit: number): EsError {
  return new EsError(
    429,
    'circuit_breaking_exception',
    `[${BREAKER_NAME}] Data too large, data for [${LABEL}] would be [${wanted}/${formatByteSize(wanted)}], which is larger than the limit of [${limit}/${formatByteSize(limit)}]`,
    { metadata: { bytes_wanted: wanted, bytes_limit: limit, durability: 'TRANSIENT' } },
  );
}

/** `network.breaker.inflight_requests.overhead`: a body is estimated at twice its bytes once parsed. */
export const BODY_OVERHEAD = 2;

export class BodyBudget {
  private used = 0;

  constructor(
    readonly limit: number,
    readonly overhead = BODY_OVERHEAD,
  ) {}

  get inUse(): number {
    return this.used;
  }

  /** Takes `bytes` from the budget, or throws the 429 when all bodies, times the overhead, would not fit. */
  reserve(bytes: number): void {
    if (bytes <= 0) return;
    const wanted = Math.floor((this.used + bytes) * this.overhead);
    if (wanted > this.limit) throw circuitBreakingException(wanted, this.limit);
    this.used += bytes;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

/** One request's share of the budget: grows as its body arrives, returned once (whichever end comes first). */
export class BodyReservation {
  private held = 0;
  private done = false;

  constructor(private readonly budget: BodyBudget) {}

  /** Makes the reservation at least `total` bytes; throws the 429 when the budget cannot hold the difference. */
  ensure(total: number): void {
    if (this.done || total <= this.held) return;
    this.budget.reserve(total - this.held);
    this.held = total;
  }

  release(): void {
    if (this.done) return;
    this.done = true;
    this.budget.release(this.held);
    this.held = 0;
  }
}
