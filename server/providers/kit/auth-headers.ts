/** The auth headers most services send. */
import type { CallContext } from '../../inference/call-context';

/** `Authorization: Bearer <api_key>`, or nothing for an endpoint without a key (Elasticsearch then sends none). */
export function bearerAuth(context: CallContext): Record<string, string> {
  const key = context.endpoint.secrets.api_key;
  return typeof key === 'string' ? { Authorization: `Bearer ${key}` } : {};
}
