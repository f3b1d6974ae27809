/** Every failure becomes an Elasticsearch-style answer: the envelope the route calls for, the right status, and a
 * reason that names the problem. Nothing here echoes request bodies, so secrets cannot leak through errors. */
import { noteErrorType } from '../observability/request-scope';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger';
import { EsError, elasticsearchEnvelope, toEsError, unifiedEnvelope } from './errors';
import { writeEventStreamError } from './sse';

interface ValidatorError {
  status?: number;
  errors?: Array<{ path: string; message: string; errorCode?: string }>;
  type?: string;
  message?: string;
  limit?: number;
  length?: number;
  /** Bytes read when a compressed body went over the limit (its length was not known up front). */
  received?: number;
  code?: string;
}

/** Errors raised before a handler ran: the body parser's and the OpenAPI validator's (routes and methods; query
 * parameters are the preflight's). */
export function translateFrameworkError(error: ValidatorError, request: Request): EsError | undefined {
  if (error.type === 'entity.too.large') {
    return new EsError(413, 'content_too_long_exception', `entity content is too long [${error.length ?? error.received}] for the configured buffer limit [${error.limit}]`);
  }
  if (error.type === 'entity.too.deep') {
    return new EsError(400, 'x_content_parse_exception', `[1:1] ${error.message}`);
  }
  if (typeof error.code === 'string' && error.code.startsWith('Z_')) {
    return new EsError(400, 'parse_exception', `Failed to decompress the request body [Content-Encoding: ${request.headers['content-encoding']}]: ${error.message}`);
  }
  if (error.type === 'entity.parse.failed') {
    return new EsError(400, 'x_content_parse_exception', `Failed to parse the request body as JSON: ${error.message ?? 'malformed JSON'}`);
  }
  if (error.type === 'charset.unsupported' || error.type === 'encoding.unsupported') {
    return new EsError(400, 'parse_exception', error.message ?? 'unsupported request encoding');
  }
  if (error.status === 404) {
    return new EsError(400, 'illegal_argument_exception', `no handler found for uri [${request.originalUrl}] and method [${request.method}]`);
  }
  if (error.status === 405) {
    return new EsError(405, 'illegal_argument_exception', `Incorrect HTTP method for uri [${request.originalUrl}] and method [${request.method}]`);
  }
  if (error.status === 400 && error.errors) {
    return new EsError(400, 'illegal_argument_exception', error.errors.map((e) => `[${e.path}] ${e.message}`).join('; '));
  }
  return undefined;
}

/** `routeStyle` gives the envelope of a route whose handler did not choose one (yet). */
export function errorMiddleware(logger: Logger, routeStyle: (request: Request) => string = () => 'elasticsearch') {
  return (thrown: unknown, request: Request, response: Response, _next: NextFunction): void => {
    const error = thrown instanceof EsError ? thrown : (translateFrameworkError(thrown as ValidatorError, request) ?? toEsError(thrown));
    noteErrorType(error.type);
    if (error.status >= 500) {
      const original = thrown instanceof EsError && thrown.cause !== undefined ? thrown.cause : thrown;
      logger.error({ err: original instanceof Error ? { message: original.message, stack: original.stack } : original, path: request.path }, 'request failed');
    } else {
      logger.debug({ status: error.status, type: error.type, path: request.path }, 'request refused');
    }
    if (error.status === 499 || response.headersSent) {
      if (!response.writableEnded) response.destroy();
      return;
    }
    for (const [name, values] of Object.entries(error.headers ?? {})) response.setHeader(name, values);
    // A HEAD answer has no body, errors included (Elasticsearch sends the status alone).
    if (request.method === 'HEAD') return void response.status(error.status).end();
    const style = (response.locals.errorStyle as string | undefined) ?? routeStyle(request);
    if (style === 'sse-elasticsearch') return writeEventStreamError(response, error.status, elasticsearchEnvelope(error));
    if (style === 'sse-unified') return writeEventStreamError(response, error.status, unifiedEnvelope(error));
    response.status(error.status).json(style === 'unified' ? unifiedEnvelope(error) : elasticsearchEnvelope(error));
  };
}
