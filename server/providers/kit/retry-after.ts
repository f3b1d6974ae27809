/** Reads a provider's `Retry-After` (delay-seconds or an HTTP date, RFC 9110 §10.2.3) as milliseconds from now;
 * 0 when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return 0;
  if (/^\d{1,10}$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? 0 : Math.max(0, date - now);
}
