/** The `Authorization` header, read as Elasticsearch reads it: `ApiKey base64(id:key)` or `Basic base64(user:pass)`;
 * any other scheme is no credential at all. Malformed values are refused in Elasticsearch's words. */
import { malformedApiKey, malformedBasic } from './auth-errors';

export type Credentials =
  | { kind: 'api_key'; id: string; key: string }
  | { kind: 'basic'; username: string; password: string };

/** Strict base64 (standard alphabet, padding optional), as Java's decoder accepts it. */
function decodeBase64(text: string): string | undefined {
  if (text.length === 0 || text.length % 4 === 1 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  return Buffer.from(text, 'base64').toString('utf8');
}

function schemeValue(header: string, scheme: string): string | undefined {
  if (header.length <= scheme.length || header.slice(0, scheme.length).toLowerCase() !== scheme.toLowerCase()) return undefined;
  if (header[scheme.length] !== ' ') return undefined;
  return header.slice(scheme.length + 1).trim();
}

/** Whether the header offers a credential of a scheme infergate reads (a refused one counts as a failed attempt). */
export const offersCredentials = (header: string | undefined): boolean =>
  header !== undefined && (schemeValue(header, 'ApiKey') !== undefined || schemeValue(header, 'Basic') !== undefined);

export function readCredentials(header: string | undefined): Credentials | undefined {
  if (header === undefined) return undefined;
  const apiKey = schemeValue(header, 'ApiKey');
  if (apiKey !== undefined) {
    const decoded = decodeBase64(apiKey);
    const colon = decoded?.indexOf(':') ?? -1;
    if (decoded === undefined || colon < 1) throw malformedApiKey();
    return { kind: 'api_key', id: decoded.slice(0, colon), key: decoded.slice(colon + 1) };
  }
  const basic = schemeValue(header, 'Basic');
  if (basic !== undefined) {
    const decoded = decodeBase64(basic);
    if (decoded === undefined) throw malformedBasic('invalid basic authentication header encoding');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw malformedBasic('invalid basic authentication header value');
    return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return undefined;
}
