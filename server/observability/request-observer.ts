/**
 * Watches each HTTP request: gives it an id (the client's `X-Opaque-Id`, echoed as Elasticsearch echoes it, or one
 * of ours) that every log line of the request carries, and when it ends writes its log line and its metrics.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../logger';
import type { Metrics } from './metrics';
import { newRequestScope, runInRequestScope, type RequestScope } from './request-scope';

/** An id this long is kept whole in the echo, but cut for the logs. */
const LOGGED_ID_LENGTH = 256;

const scopeOf = (response: Response) => response.locals.requestScope as RequestScope | undefined;

export function observeRequests(logger: Logger, metrics: Metrics, routeOf: (request: Request) => string): RequestHandler {
  return (request, response, next) => {
    const opaqueId = request.headers['x-opaque-id'];
    const given = typeof opaqueId === 'string' && opaqueId !== '' ? opaqueId : undefined;
    if (given) response.setHeader('X-Opaque-Id', given);
    const scope = newRequestScope(given ? given.slice(0, LOGGED_ID_LENGTH) : randomUUID());
    response.locals.requestScope = scope;
    const started = process.hrtime.bigint();
    response.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // A client that went away before the answer was written is Elasticsearch's 499 (task cancelled).
      const status = response.writableFinished ? response.statusCode : 499;
      runInRequestScope(scope, () => logger.info({ method: request.method, path: request.path, status, ms: Math.round(seconds * 1e5) / 100 }, 'request'));
      metrics.requestEnded(request.method, routeOf(request), status, seconds, scope);
    });
    runInRequestScope(scope, next);
  };
}

/** Runs the rest of the request in its scope again: a body parser calls on from the socket's events, outside it. */
export function reenterRequestScope(_request: Request, response: Response, next: NextFunction): void {
  const scope = scopeOf(response);
  if (scope) runInRequestScope(scope, next);
  else next();
}
