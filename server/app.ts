/** Builds the Express application: header handling, JSON parsing, validation against the spec, dispatch by
 * operationId, and Elasticsearch-style errors. */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import type { Config } from './config';
import type { Logger } from './logger';
import type { ApiContext } from './api/context';
import { HANDLERS } from './api/routes';
import { errorStyleFor, operationIdOf, preflight } from './api/preflight';
import { elasticsearchMediaTypes } from './http/content-type';
import { errorMiddleware } from './http/error-middleware';
import { jsonBody } from './http/json-body';
import { BodyBudget } from './http/body-budget';
import { responseFormat } from './http/response-format';
import { ProviderRegistry } from './providers/registry';
import { ProviderHttp } from './providers/kit/http-transport';
import { rateLimitBackend } from './providers/kit/rate-limit-choice';
import { loadDocument, operationsById } from './openapi/document';
import { operationTemplates } from './openapi/route-templates';
import { queryParametersByOperation } from './openapi/query-parameters';
import { SchemaValidator } from './openapi/schema-validator';
import { openApiValidatorMiddleware, validatorDocument } from './openapi/validator-middleware';
import { ServiceCatalog } from './openapi/service-catalog';
import type { EndpointStore, StoredEndpoint } from './store/endpoint-store';
import type { SqliteDatabase } from './store/database';
import { openEndpointStore } from './store/open-endpoint-store';
import { createPostgresPool } from './store/postgres-pool';
import { followRemoteChanges } from './api/remote-endpoint-changes';
import { SecretBox, loadKey } from './security/secret-box';
import { RegionPolicyStore } from './store/region-policy-store';
import { StoreWithDefaultEndpoints } from './store/with-default-endpoints';
import { buildEndpoint } from './api/endpoint-settings';
import { loopbackHostOnly } from './security/loopback-host';
import { securityEnabled } from './security/security-mode';
import { setUpSecurity } from './security/security-services';
import { authenticationMiddleware } from './security/authentication-middleware';
import { authorize } from './security/authorize';
import { principalOf } from './security/principal';
import { Metrics } from './observability/metrics';
import { observeRequests, reenterRequestScope } from './observability/request-observer';

function clusterUuid(dataDir: string): string {
  const file = path.join(dataDir, 'cluster_uuid');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const uuid = randomUUID();
  writeFileSync(file, uuid, { mode: 0o600 });
  return uuid;
}

export interface App {
  app: Express;
  /** Bytes of request bodies held right now, against INFERGATE_MAX_BODIES_IN_FLIGHT. */
  bodyBudget: BodyBudget;
  close(): Promise<void>;
}

/** The default endpoints the services declare, built like a PUT of their bodies would build them. */
function defaultEndpoints(providers: ProviderRegistry, catalog: ServiceCatalog, validator: SchemaValidator): StoredEndpoint[] {
  return providers.all().flatMap((provider) =>
    (provider.defaultEndpoints?.() ?? []).map((body) => {
      const service = catalog.get(body.service);
      const variant = service?.variants.get(body.task_type as never);
      if (!service || !variant) throw new Error(`default endpoint [${body.inference_id}] names an unknown service or task type`);
      const { inference_id: inferenceId, ...config } = body;
      return buildEndpoint(validator, inferenceId, service, variant, config);
    }),
  );
}

/** Hands each service its stored endpoints, e.g. to restart local deployments. */
function resumeEndpoints(providers: ProviderRegistry, store: EndpointStore): void {
  const stored = store.list();
  for (const [service, provider] of providers.entries()) provider.resumeEndpoints?.(stored.filter((endpoint) => endpoint.service === service));
}

export interface AppOptions {
  /** Where a generated password for `elastic` is shown, once (never the log). Default: standard output. */
  announce?: (text: string) => void;
}

export async function createApp(config: Config, database: SqliteDatabase, logger: Logger, options: AppOptions = {}): Promise<App> {
  const security = securityEnabled(config) ? setUpSecurity(config, database, options.announce ?? ((text) => process.stdout.write(text))) : undefined;
  const bodyBudget = new BodyBudget(config.maxBodiesInFlightBytes);
  // One pool for every store on the shared database (endpoints, rate limits), ended last.
  const pool = config.databaseUrl ? createPostgresPool(config, logger) : undefined;
  const store = await openEndpointStore(config, database, new SecretBox(loadKey(config.dataDir, config.encryptionKey)), logger, pool).catch(
    async (error: unknown) => {
      await pool?.end().catch(() => undefined);
      throw error;
    },
  );
  const document = loadDocument();
  const catalog = new ServiceCatalog(document);
  const limiters = rateLimitBackend(config, logger, pool);
  const http = new ProviderHttp(config, limiters);
  const validator = new SchemaValidator();
  const providers = new ProviderRegistry(catalog, { config, http, logger });
  resumeEndpoints(providers, store);
  const templates = operationTemplates(document);
  const metrics = new Metrics(() => providers.all().flatMap((provider) => (provider.trainedModels ? [provider.trainedModels] : [])));
  const endpoints = new StoreWithDefaultEndpoints(store, defaultEndpoints(providers, catalog, validator));
  followRemoteChanges(endpoints, providers, limiters, logger);
  const context: ApiContext = {
    config,
    store: endpoints,
    catalog,
    regionPolicies: new RegionPolicyStore(database),
    providers,
    validator,
    operations: operationsById(document),
    limiters,
    upstreamAllowList: http.allowList,
    logger,
    clusterUuid: clusterUuid(config.dataDir),
    security,
    metrics,
  };

  const app = express();
  app.disable('x-powered-by');
  // Elasticsearch sends no ETag (and hashing every answer costs a digest of its whole body).
  app.disable('etag');
  app.set('query parser', 'simple');
  app.set('trust proxy', config.trustProxy);
  app.use(observeRequests(logger, metrics, (request) => templates.get(operationIdOf(request) ?? '') ?? 'unmatched'));
  // With security on, every request authenticates before its body is read; off, only loopback Host names answer.
  app.use(security ? authenticationMiddleware(security, logger) : loopbackHostOnly);
  app.use(elasticsearchMediaTypes);
  app.use(jsonBody({ limit: config.maxBodyBytes, budget: bodyBudget }));
  app.use(responseFormat);
  app.use(reenterRequestScope);
  app.use(
    openApiValidatorMiddleware({
      apiSpec: validatorDocument(document),
      validateRequests: { allowUnknownQueryParameters: true, coerceTypes: false },
      validateResponses: config.validateResponses ? { removeAdditional: false } : false,
      validateApiSpec: false,
      $refParser: { mode: 'dereference' },
    }),
  );
  app.use(preflight(templates, queryParametersByOperation(document)));
  app.use(async (request, response, next) => {
    const operationId = operationIdOf(request);
    const handler = operationId ? HANDLERS[operationId] : undefined;
    if (!operationId || !handler) return next(Object.assign(new Error('no route'), { status: 404 }));
    try {
      const principal = principalOf(response);
      if (principal) authorize(principal, String(context.operations.get(operationId)?.['x-elasticsearch-action']), request);
      await handler(request, response, context);
    } catch (error) {
      next(error);
    }
  });
  app.use(errorMiddleware(logger, errorStyleFor(templates)));

  return {
    app,
    bodyBudget,
    async close() {
      await store.close();
      await http.close();
      await limiters.close();
      await pool?.end();
      await Promise.all(providers.all().map((provider) => provider.close?.()));
    },
  };
}
