/** Header handling shared by every request: Elasticsearch's vendor media types, JSON only, and the product header
 * that the official clients check. */
import type { NextFunction, Request, Response } from 'express';
import { EsError } from './errors';

const VENDOR_JSON = /^application\/vnd\.elasticsearch\+json\s*(;\s*compatible-with\s*=\s*(\d+))?/i;
const SUPPORTED_COMPATIBILITY = new Set(['8', '9']);

/** `application/vnd.elasticsearch+json; compatible-with=8|9` means JSON. */
export function elasticsearchMediaTypes(request: Request, response: Response, next: NextFunction): void {
  response.setHeader('X-Elastic-Product', 'Elasticsearch');
  for (const header of ['content-type', 'accept'] as const) {
    const value = request.headers[header];
    if (typeof value !== 'string') continue;
    const match = VENDOR_JSON.exec(value);
    if (!match) continue;
    if (match[2] && !SUPPORTED_COMPATIBILITY.has(match[2])) {
      return next(new EsError(400, 'media_type_header_exception', `Invalid media-type value on headers [${header === 'accept' ? 'Accept' : 'Content-Type'}]: compatible-with=${match[2]} is not supported`));
    }
    request.headers[header] = value.replace(VENDOR_JSON, 'application/json');
  }
  const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
  const type = request.headers['content-type'];
  if (hasBody && type !== undefined && !/^application\/json\b/i.test(type)) {
    return next(new EsError(406, 'status_exception', `Content-Type header [${type}] is not supported`));
  }
  next();
}
