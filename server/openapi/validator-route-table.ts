/**
 * express-openapi-validator finds each request's route by compiling every route's path-to-regexp pattern again, on
 * every request (openapi.metadata.js, lookupRoute), and trying them in turn. This table is compiled once, from the
 * validator's own route map in its own order (literal paths before templated ones), and sets `req.openapi` just as
 * that lookup would. What it does not match (a path of no route, a method the path lacks, a malformed escape) goes on
 * to the validator's lookup, so that its 404, 405 and 400 stay its own.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { OpenApiContext } from 'express-openapi-validator/dist/framework/openapi.context';
import type { OpenAPIV3 } from 'express-openapi-validator/dist/framework/types';

type Operations = Record<string, OpenAPIV3.OperationObject | undefined>;

/** A path segment: a literal (ASCII-lowercased, as the validator matches without case sensitivity) or a parameter. */
type Segment = { literal: string } | { param: string };

interface Route {
  expressRoute: string;
  openApiRoute: string;
  pathKey: string;
  /** Undefined when the route's pattern is not plain segments: the validator's lookup decides from there on. */
  segments: Segment[] | undefined;
}

interface RouteMapEntry {
  basePath: string;
  _expressRoute: string;
  _openApiRoute: string;
}

const asciiLower = (text: string) => text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());

/** `/_inference/:task_type/:inference_id` → its segments; undefined for anything path-to-regexp would read as more
 * than literals and whole-segment parameters (wildcards, optional groups, escapes, several parameters a segment). */
function segmentsOf(expressRoute: string): Segment[] | undefined {
  if (!expressRoute.startsWith('/')) return undefined;
  const parts = expressRoute.slice(1).split('/');
  if (parts.length === 1 && parts[0] === '') return [];
  const segments: Segment[] = [];
  for (const part of parts) {
    if (/^:[A-Za-z_$][\w$]*$/.test(part)) segments.push({ param: part.slice(1) });
    else if (/^[A-Za-z0-9._~-]+$/.test(part)) segments.push({ literal: asciiLower(part) });
    else return undefined;
  }
  return segments;
}

/** Whether `actual` (a raw path segment) is the literal as the validator's case-insensitive, non-unicode regex
 * reads it: only ASCII letters fold. */
function sameLiteral(actual: string, literal: string): boolean {
  return actual === literal || (actual.length === literal.length && asciiLower(actual) === literal);
}

/** The route's parameters read out of the path's segments, undefined when it does not fit. Decoding can throw (a
 * malformed escape), which the caller leaves to the validator. */
function match(segments: Segment[], actual: string[]): Record<string, string> | undefined {
  if (actual.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if ('literal' in segment) {
      if (!sameLiteral(actual[i], segment.literal)) return undefined;
    } else {
      if (actual[i] === '') return undefined;
      params[segment.param] = actual[i];
    }
  }
  return params;
}

/** The raw path's segments; one trailing slash is allowed, as path-to-regexp's non-strict patterns allow it. */
function pathSegments(path: string): string[] | undefined {
  if (!path.startsWith('/')) return undefined;
  const segments = path.slice(1).split('/');
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  else if (segments.length === 1 && segments[0] === '') return [];
  return segments;
}

export class ValidatorRouteTable {
  /** Routes by their first segment (lowercased); routes that start with a parameter are in every list. */
  private readonly byFirstSegment = new Map<string, Route[]>();
  private readonly startingWithParameter: Route[] = [];

  constructor(private readonly context: OpenApiContext) {
    const routes = Object.values(context.expressRouteMap as Record<string, RouteMapEntry>).map((entry): Route => ({
      expressRoute: entry._expressRoute,
      openApiRoute: entry._openApiRoute,
      pathKey: entry._openApiRoute.substring(entry.basePath.length),
      segments: segmentsOf(entry._expressRoute),
    }));
    for (const route of routes) {
      const first = route.segments?.[0];
      if (route.segments === undefined || (first && 'param' in first)) {
        this.startingWithParameter.push(route);
        for (const list of this.byFirstSegment.values()) list.push(route);
        continue;
      }
      const key = first ? first.literal : '';
      if (!this.byFirstSegment.has(key)) this.byFirstSegment.set(key, [...this.startingWithParameter]);
      this.byFirstSegment.get(key)!.push(route);
    }
  }

  /** `req.openapi` as the validator's lookup would set it, or undefined to let the lookup decide. */
  lookup(path: string, method: string): { route: Route; pathParams: Record<string, string>; schema: OpenAPIV3.OperationObject } | undefined {
    const actual = pathSegments(path);
    if (!actual) return undefined;
    const first = actual.length === 0 ? '' : actual[0];
    // The exact spelling first: folding the case costs a regex replace, needed only for an odd one.
    const candidates = this.byFirstSegment.get(first) ?? this.byFirstSegment.get(asciiLower(first)) ?? this.startingWithParameter;
    for (const route of candidates) {
      if (!route.segments) return undefined;
      const raw = match(route.segments, actual);
      if (!raw) continue;
      const schema = (this.context.apiDoc.paths?.[route.pathKey] as Operations | undefined)?.[method.toLowerCase()];
      if (!schema) return undefined;
      const pathParams: Record<string, string> = {};
      try {
        for (const name in raw) pathParams[name] = decodeURIComponent(raw[name]);
      } catch {
        return undefined;
      }
      return { route, pathParams, schema };
    }
    return undefined;
  }
}

type MetadataFactory = (context: OpenApiContext, responseApiDoc: OpenAPIV3.DocumentV3_1 | null) => RequestHandler;

/** The validator's metadata middleware with the table in front of its lookup. */
export function withRouteTable(lookupMiddleware: MetadataFactory): MetadataFactory {
  return (context, responseApiDoc) => {
    const table = new ValidatorRouteTable(context);
    const lookup = lookupMiddleware(context, responseApiDoc);
    let plainRouting: boolean | undefined;
    return (request: Request, response: Response, next: NextFunction) => {
      // The table matches as the lookup does with express's default routing (case-insensitive, non-strict), on
      // `originalUrl` (`useRequestUrl` off) without the query string; anything else is the lookup's.
      plainRouting ??= !context.useRequestUrl && !request.app.enabled('strict routing') && !request.app.enabled('case sensitive routing');
      const url = request.originalUrl;
      const query = url.indexOf('?');
      const found = plainRouting && !context.shouldIgnoreRoute(request.path) ? table.lookup(query < 0 ? url : url.slice(0, query), request.method) : undefined;
      if (!found) return lookup(request, response, next);
      const { route, pathParams, schema } = found;
      const openapi: Record<string, unknown> = { expressRoute: route.expressRoute, openApiRoute: route.openApiRoute, pathParams, schema, serial: context.serial };
      if (responseApiDoc) openapi._responseSchema = (responseApiDoc.paths?.[route.pathKey] as Operations | undefined)?.[request.method.toLowerCase()];
      (request as Request & { openapi?: unknown }).openapi = openapi;
      request.params = pathParams;
      next();
    };
  };
}
