/** Node fires a timer of more than 2^31-1 ms at once (with a warning): a longer delay waits that long (24.8 days)
 * instead. Every timer whose delay a request or an upstream can choose goes through this. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export function timerDelay(ms: number): number {
  if (Number.isNaN(ms)) return MAX_TIMER_MS;
  return Math.min(Math.max(ms, 0), MAX_TIMER_MS);
}
