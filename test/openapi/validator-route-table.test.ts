/**
 * The route table in front of express-openapi-validator's lookup (server/openapi/validator-route-table.ts) must
 * leave every request exactly as the lookup alone leaves it: the same `req.openapi` and params, the same 404, 405
 * (with its Allow header) and 400. Both run here on the validator's own route map of the spec, for paths made from
 * every route template and the odd shapes around them (case, trailing and doubled slashes, escapes good and bad,
 * non-ASCII letters that fold to ASCII), with every method.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { OpenApiContext } from 'express-openapi-validator/dist/framework/openapi.context';
import { OpenApiSpecLoader } from 'express-openapi-validator/dist/framework/openapi.spec.loader';
import { applyOpenApiMetadata } from 'express-openapi-validator/dist/middlewares/openapi.metadata';
import { loadDocument } from '../../server/openapi/document';
import { validatorDocument } from '../../server/openapi/validator-middleware';
import { withRouteTable } from '../../server/openapi/validator-route-table';

const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'];
const PARAMETER_VALUES = ['x', 'my-endpoint', 'A%20b', '%E2%82%AC', '%ZZ', 'a%2Fb', ''];

interface Outcome {
  openapi?: unknown;
  params?: unknown;
  error?: { status: unknown; message: unknown; headers: unknown };
}

function run(middleware: RequestHandler, method: string, url: string): Outcome {
  const request = { method, originalUrl: url, url, path: url.split('?')[0], baseUrl: '', params: {}, app: { enabled: () => false } } as unknown as Request;
  let nextError: unknown;
  try {
    middleware(request, {} as Response, ((error?: unknown) => (nextError = error)) as NextFunction);
  } catch (error) {
    nextError = error;
  }
  if (nextError) {
    const { status, message, headers } = nextError as { status: unknown; message: unknown; headers: unknown };
    return { error: { status, message, headers } };
  }
  const { openapi, params } = request as Request & { openapi?: unknown };
  return { openapi, params };
}

function pathsOf(templates: string[]): string[] {
  const paths = new Set<string>(['/', '//', '', '/nope', '/_inference/a/b/c/d', '/_INFERENCE', '/_security/api_\u212Aey', '/_secur\u0130ty/api_key']);
  for (const template of templates) {
    for (const value of PARAMETER_VALUES) {
      const path = template.replace(/\{[^}]+\}/g, value);
      for (const variant of [path, `${path}/`, `${path}//`, path.toUpperCase(), `/${path}`, `${path}?pretty`, path.replace('_inference', '_Inference')]) paths.add(variant);
    }
  }
  return [...paths];
}

describe('the validator route table', () => {
  let context: OpenApiContext;
  let lookup: RequestHandler;
  let withTable: RequestHandler;
  let lookupsCalled = 0;

  beforeAll(async () => {
    const spec = await new OpenApiSpecLoader({ apiDoc: validatorDocument(loadDocument()) as never, validateApiSpec: false, $refParser: { mode: 'dereference' } }).load();
    context = new OpenApiContext(spec, undefined as never);
    const responseDoc = spec.apiDoc;
    lookup = applyOpenApiMetadata(context, responseDoc) as RequestHandler;
    withTable = withRouteTable((ctx, res) => {
      const original = applyOpenApiMetadata(ctx, res as never) as RequestHandler;
      return (request, response, next) => {
        lookupsCalled++;
        return original(request, response, next);
      };
    })(context, responseDoc as never);
  });

  test('every request comes out as the lookup alone leaves it', () => {
    const paths = pathsOf(Object.keys(loadDocument().paths));
    expect(paths.length).toBeGreaterThan(500);
    const outcomes = { matched: 0, refused: 0 };
    for (const path of paths) {
      for (const method of METHODS) {
        const expected = run(lookup, method, path);
        expect({ method, path, ...run(withTable, method, path) }).toEqual({ method, path, ...expected });
        outcomes[expected.error ? 'refused' : 'matched']++;
      }
    }
    // Both kinds were exercised: matches and each of the lookup's refusals.
    expect(outcomes.matched).toBeGreaterThan(100);
    expect(outcomes.refused).toBeGreaterThan(100);
  });

  test('the hot routes are answered by the table, without the lookup', () => {
    const before = lookupsCalled;
    const outcome = run(withTable, 'POST', '/_inference/text_embedding/my-endpoint?timeout=30s');
    expect(outcome.params).toEqual({ inference_id: 'my-endpoint' });
    expect(outcome.openapi).toMatchObject({ openApiRoute: '/_inference/text_embedding/{inference_id}', schema: { operationId: 'textEmbedding' } });
    expect((outcome.openapi as { _responseSchema?: unknown })._responseSchema).toBeDefined();
    run(withTable, 'POST', '/_inference/chat_completion/x/_stream');
    run(withTable, 'GET', '/_inference/x');
    run(withTable, 'PUT', '/_inference/text_embedding/x');
    expect(lookupsCalled).toBe(before);
    // A method the path lacks is the lookup's to refuse (405 with its Allow header).
    expect(run(withTable, 'PATCH', '/_inference/x').error?.status).toBe(405);
    expect(lookupsCalled).toBe(before + 1);
  });
});
