/** Structured JSON logs (pino). Nothing logged carries a secret: bodies are never logged, and messages that quote
 * provider errors are redacted before they get here. The redact paths are a second line of defence. */
import pino, { type DestinationStream, type Logger } from 'pino';
import { currentRequestScope } from './observability/request-scope';

export type { Logger };

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'infergate' },
      // Every line logged while a request is served names it.
      mixin: () => {
        const scope = currentRequestScope();
        return scope ? { request_id: scope.id } : {};
      },
      redact: {
        paths: ['*.api_key', '*.client_secret', '*.secret_key', '*.access_key', '*.authorization', '*.Authorization'],
        censor: '[REDACTED]',
      },
    },
    destination,
  );
}
