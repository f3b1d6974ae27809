/** Every request authenticates first, before its body is read (as Elasticsearch authenticates at the HTTP layer). */
import type { RequestHandler } from 'express';
import type { Logger } from '../logger';
import { setErrorStyle } from '../api/error-style';
import { tooManyFailures } from './auth-errors';
import { offersCredentials } from './credentials';
import { setPrincipal } from './principal';
import type { SecurityServices } from './security-services';

export function authenticationMiddleware(security: SecurityServices, logger: Logger): RequestHandler {
  return (request, response, next) => {
    // Refused at the HTTP layer, before any route: the Elasticsearch envelope, on the chat routes too.
    const refuse = (error: unknown) => {
      setErrorStyle(response, 'elasticsearch');
      next(error);
    };
    const address = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    const wait = security.failedAttempts.retryAfterSeconds(address);
    if (wait > 0) return refuse(tooManyFailures(address, wait));
    const header = request.headers.authorization;
    security.authenticator.authenticate(header, request.originalUrl).then(
      (principal) => {
        setPrincipal(response, principal);
        next();
      },
      (error: unknown) => {
        if (offersCredentials(header)) {
          security.failedAttempts.record(address);
          logger.info({ address, method: request.method, path: request.path }, 'authentication failed');
        }
        refuse(error);
      },
    );
  };
}
