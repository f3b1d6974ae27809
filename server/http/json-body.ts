/**
 * Reads and parses JSON request bodies within two bounds: each body's size (413) and the bytes of all bodies held at
 * once (429, see body-budget.ts). A body is reserved by its Content-Length up front, and counted as it arrives when
 * chunked or compressed; the reservation is returned when the response ends or the connection drops. The body is
 * buffered once (into one allocation when its length is known) and decoded once; the text is kept as `rawBody`
 * for error positions. Errors carry body-parser's shapes, which error-middleware.ts translates.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { BodyReservation, type BodyBudget } from './body-budget';
import { excessNestingDepth, nestingDepthError } from './json-depth';

export interface JsonBodyOptions {
  limit: number;
  budget: BodyBudget;
}

type BodyRequest = Request & { rawBody?: string };

const DECOMPRESSORS: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

const frameworkError = (status: number, message: string, fields: Record<string, unknown>) =>
  Object.assign(new Error(message), { status, ...fields });

const hasBody = (request: Request) => request.headers['transfer-encoding'] !== undefined || request.headers['content-length'] !== undefined;

function charsetError(request: Request): Error | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(String(request.headers['content-type'] ?? ''));
  const charset = match?.[1].toLowerCase();
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8') return undefined;
  return frameworkError(415, `unsupported charset "${charset.toUpperCase()}"`, { type: 'charset.unsupported' });
}

/** Reads off the rest of the request (bytes discarded, none kept), then answers: the client sees the answer
 * rather than a reset connection. */
function failAfterDrain(request: Request, next: NextFunction, error: unknown): void {
  if (request.readableEnded || request.destroyed) return next(error);
  request.once('end', () => next(error));
  request.resume();
}

function parse(buffer: Buffer): { text: string; value: unknown } {
  const depth = excessNestingDepth(buffer);
  if (depth !== undefined) throw nestingDepthError(depth);
  const start = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  const text = buffer.toString('utf8', start);
  if (text.length === 0) return { text, value: {} };
  try {
    return { text, value: JSON.parse(text) };
  } catch (error) {
    throw frameworkError(400, (error as Error).message, { type: 'entity.parse.failed' });
  }
}

export function jsonBody({ limit, budget }: JsonBodyOptions) {
  return (request: BodyRequest, response: Response, next: NextFunction): void => {
    request.body = undefined;
    if (!hasBody(request) || request.readableEnded) return next();
    const refused = charsetError(request);
    if (refused) return failAfterDrain(request, next, refused);
    const encoding = String(request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && !DECOMPRESSORS[encoding]) {
      return failAfterDrain(request, next, frameworkError(415, `unsupported content encoding "${encoding}"`, { type: 'encoding.unsupported' }));
    }
    const declared = request.headers['content-length'] === undefined ? undefined : Number(request.headers['content-length']);
    if (encoding === 'identity' && declared !== undefined && declared > limit) {
      return failAfterDrain(request, next, frameworkError(413, 'request entity too large', { type: 'entity.too.large', length: declared, limit }));
    }

    const reservation = new BodyReservation(budget);
    response.once('close', () => reservation.release());
    try {
      reservation.ensure(declared ?? 0);
    } catch (error) {
      return failAfterDrain(request, next, error);
    }

    let source: Readable = request;
    let decompressor: NodeJS.ReadWriteStream | undefined;
    if (encoding !== 'identity') {
      decompressor = DECOMPRESSORS[encoding]();
      source = request.pipe(decompressor) as unknown as Readable;
    }
    // A known identity length is read into one allocation; otherwise the chunks are joined once at the end.
    let single = encoding === 'identity' && declared !== undefined ? Buffer.allocUnsafe(declared) : undefined;
    let chunks: Buffer[] = [];
    let received = 0;
    let settled = false;

    const finish = (error: unknown, buffer?: Buffer) => {
      if (settled) return;
      settled = true;
      source.removeListener('data', onData);
      source.removeListener('end', onEnd);
      // The listener that returns the reservation shares this scope: let go of the bytes now, not when it runs.
      single = undefined;
      chunks = [];
      if (decompressor) {
        request.unpipe(decompressor as unknown as NodeJS.WritableStream);
        decompressor.on('error', () => undefined);
        (decompressor as unknown as Readable).destroy();
      }
      if (error === undefined && buffer) {
        // Bytes after the end of a compressed body are read off, so that the request completes.
        request.resume();
        try {
          const { text, value } = parse(buffer);
          request.rawBody = text;
          request.body = value;
        } catch (parseError) {
          return next(parseError);
        }
        return next();
      }
      failAfterDrain(request, next, error);
    };
    const onData = (chunk: Buffer) => {
      if (settled) return;
      if (received + chunk.length > limit) {
        return finish(frameworkError(413, 'request entity too large', { type: 'entity.too.large', received: received + chunk.length, limit }));
      }
      try {
        reservation.ensure(received + chunk.length);
      } catch (error) {
        return finish(error);
      }
      if (single) chunk.copy(single, received);
      else chunks.push(chunk);
      received += chunk.length;
    };
    const onEnd = () => finish(undefined, single ? single.subarray(0, received) : Buffer.concat(chunks, received));
    source.on('data', onData);
    source.once('end', onEnd);
    source.on('error', (error) => finish(error));
    if (source !== request) request.on('error', (error) => finish(error));
    request.once('aborted', () => {
      settled = true;
      reservation.release();
    });
  };
}
