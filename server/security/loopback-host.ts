/** With security off the server only answers on loopback, and a browser page on another site could still reach it
 * through a DNS name rebound to 127.0.0.1: such requests carry that name in Host, so only loopback names pass. */
import type { NextFunction, Request, Response } from 'express';
import { isIP } from 'node:net';
import { EsError } from '../http/errors';

/** The host part of a Host header, without the port ([::1]:9200 → ::1). */
function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end < 0 ? value : value.slice(1, end);
  }
  const colon = value.indexOf(':');
  return colon < 0 ? value : value.slice(0, colon);
}

export function isLoopbackName(header: string | undefined): boolean {
  if (!header) return false;
  const name = hostName(header).replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === '::1') return true;
  return isIP(name) === 4 && name.split('.')[0] === '127';
}

export function isLoopbackAddress(host: string): boolean {
  return isLoopbackName(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
}

export function loopbackHostOnly(request: Request, _response: Response, next: NextFunction): void {
  const host = request.headers.host;
  if (isLoopbackName(host)) return next();
  next(
    new EsError(
      403,
      'security_exception',
      `request Host [${host ?? ''}] is not a loopback name; with security off infergate answers only requests addressed to localhost, 127.x.x.x or [::1]`,
    ),
  );
}
