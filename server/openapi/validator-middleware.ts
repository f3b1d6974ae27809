/**
 * express-openapi-validator's middleware, as its `middleware(options)` builds it, with one change: the route of a
 * request is found by a table compiled once (validator-route-table.ts) instead of path-to-regexp patterns compiled
 * per request. The table goes in front of the validator's metadata step, whose factory is a private method of
 * version 5.6 (checked here, so that an upgrade that renames it fails at start, not silently slow).
 */
import type { RequestHandler } from 'express';
import { OpenApiSpecLoader } from 'express-openapi-validator/dist/framework/openapi.spec.loader';
import type { OpenAPIV3, OpenApiValidatorOpts } from 'express-openapi-validator/dist/framework/types';
import { OpenApiValidator } from 'express-openapi-validator/dist/openapi.validator';
import type { OpenApiDocument } from './document';
import { relaxedParameter } from './query-parameters';
import { withGeneralOperationsOnLiteralPaths } from './route-templates';
import { withRouteTable } from './validator-route-table';

/**
 * The validator checks routes, methods and path parameters, and (in tests) every response. Query parameters are
 * checked by the preflight, and request bodies by the handlers against the same schemas, because Elasticsearch
 * checks a body only after the path (and for PUT, the task type and service), and reports each problem in its own
 * words.
 */
export function validatorDocument(document: OpenApiDocument): OpenAPIV3.DocumentV3_1 {
  const copy = { ...structuredClone(document), paths: withGeneralOperationsOnLiteralPaths(document.paths) } as unknown as {
    paths: Record<string, Record<string, { requestBody?: unknown }>>;
  };
  for (const item of Object.values(copy.paths)) for (const operation of Object.values(item)) delete operation?.requestBody;
  return JSON.parse(
    JSON.stringify(copy, (key, value: unknown) => {
      if (key === 'discriminator') return undefined;
      if (key === 'parameters' && Array.isArray(value)) return value.map(relaxedParameter);
      return value;
    }),
  );
}

type MetadataFactory = Parameters<typeof withRouteTable>[0];

export function openApiValidatorMiddleware(options: OpenApiValidatorOpts): RequestHandler[] {
  const validator = new OpenApiValidator(options);
  const internals = validator as unknown as { metadataMiddleware?: MetadataFactory };
  const lookup = internals.metadataMiddleware;
  if (typeof lookup !== 'function') throw new Error('express-openapi-validator has no metadataMiddleware to put the route table in front of');
  internals.metadataMiddleware = withRouteTable(lookup.bind(validator));
  // As the package's own `middleware()`, less its deep copy of the document: ours is a fresh one per app.
  const spec = new OpenApiSpecLoader({ apiDoc: options.apiSpec as never, validateApiSpec: options.validateApiSpec, $refParser: options.$refParser }).load();
  return validator.installMiddleware(spec) as RequestHandler[];
}
