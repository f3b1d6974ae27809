/**
 * Every route of the spec × (no credential, a wrong credential, a key lacking the privilege, the right key): the
 * exact 401 and 403 bodies Elasticsearch answers, and no refusal for the caller that holds the privilege.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server';
import { basic, createKey, elastic, securityConfig } from '../support/security';

interface Route {
  operationId: string;
  method: string;
  path: string;
  action: string;
}

const document = JSON.parse(readFileSync(path.join(__dirname, '../../generated/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { operationId?: string; 'x-elasticsearch-action'?: string }>>;
};

const concrete = (template: string) =>
  template.replace('{inference_id}', 'matrix-endpoint').replace('{task_type}', 'text_embedding').replace('{model_id}', 'matrix-model').replace('{asset}', 'docs.js');

const ROUTES: Route[] = Object.entries(document.paths).flatMap(([template, item]) =>
  Object.entries(item)
    .filter(([method, operation]) => ['get', 'put', 'post', 'delete', 'head'].includes(method) && operation.operationId)
    .map(([method, operation]) => ({ operationId: operation.operationId!, method: method.toUpperCase(), path: concrete(template), action: operation['x-elasticsearch-action']! })),
);

/** Which predefined privileges grant each action, least privileged first, as Elasticsearch lists them. */
const GRANTED_BY: Record<string, string> = {
  'cluster:monitor/main': 'monitor,manage,all',
  'cluster:monitor/xpack/inference': 'monitor_inference,manage_inference,monitor,manage,all',
  'cluster:monitor/xpack/inference/get': 'monitor_inference,manage_inference,monitor,manage,all',
  'cluster:monitor/xpack/inference/services/get': 'monitor_inference,manage_inference,monitor,manage,all',
  'cluster:monitor/xpack/inference/region_policy/get': 'monitor_inference,manage_inference,monitor,manage,all',
  'cluster:admin/xpack/inference/put': 'manage_inference,manage,all',
  'cluster:admin/xpack/inference/update': 'manage_inference,manage,all',
  'cluster:admin/xpack/inference/delete': 'manage_inference,manage,all',
  'cluster:admin/xpack/inference/region_policy/put': 'manage_inference,manage,all',
  'cluster:admin/xpack/inference/region_policy/delete': 'manage_inference,manage,all',
  'cluster:monitor/xpack/ml/inference/stats/get': 'monitor_ml,manage_ml,monitor,manage,all',
  'cluster:admin/xpack/security/api_key/create': 'manage_own_api_key,manage_api_key,manage_security,all',
  'cluster:admin/xpack/security/api_key/get': 'read_security,manage_api_key,manage_security,all',
  'cluster:admin/xpack/security/api_key/invalidate': 'manage_api_key,manage_security,all',
  'cluster:monitor/infergate/metrics': 'monitor,manage,all',
};

/** The one privilege each action is tested with. */
const RIGHT_PRIVILEGE: Record<string, string> = {
  'cluster:monitor/main': 'monitor',
  'cluster:monitor/infergate/metrics': 'monitor',
  'cluster:monitor/xpack/ml/inference/stats/get': 'monitor_ml',
  'cluster:admin/xpack/security/api_key/get': 'manage_api_key',
  'cluster:admin/xpack/security/api_key/invalidate': 'manage_api_key',
};

/** Actions every authenticated caller may take: asking who it is, and reading the API's documentation. */
const ANY_USER = new Set(['cluster:admin/xpack/security/user/authenticate', 'infergate:docs']);

let server: TestServer;
let noPrivileges: { id: string; header: Record<string, string> };
const keys = new Map<string, Record<string, string>>();

beforeAll(async () => {
  server = await startTestServer(securityConfig);
  noPrivileges = await createKey(server, 'no-privileges', []);
  for (const privilege of new Set(ROUTES.map((route) => RIGHT_PRIVILEGE[route.action] ?? (route.action.startsWith('cluster:admin/xpack/inference') ? 'manage_inference' : 'monitor_inference')))) {
    keys.set(privilege, (await createKey(server, `with-${privilege}`, [privilege])).header);
  }
});

afterAll(async () => {
  await server?.stop();
});

const WWW_AUTHENTICATE = ['Basic realm="security", charset="UTF-8"', 'ApiKey'];

function unauthorizedBody(reason: string, extra: Record<string, unknown> = {}) {
  const cause = { type: 'security_exception', reason, ...extra, header: { 'WWW-Authenticate': WWW_AUTHENTICATE } };
  return { error: { root_cause: [cause], ...cause }, status: 401 };
}

const bodyFor = (route: Route) => (['PUT', 'POST', 'DELETE'].includes(route.method) ? {} : undefined);

test('the spec declares an action for every operation, and this suite knows who grants each', () => {
  expect(ROUTES.length).toBeGreaterThan(30);
  for (const route of ROUTES) expect(ANY_USER.has(route.action) || GRANTED_BY[route.action] !== undefined).toBe(true);
});

describe.each(ROUTES.map((route) => [`${route.method} ${route.path} (${route.operationId})`, route] as const))('%s', (_name, route) => {
  const call = (headers: Record<string, string>) => server.call(route.method, route.path, bodyFor(route), headers);

  test('no credential: 401 missing credentials, with the challenges', async () => {
    const response = await call({});
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(WWW_AUTHENTICATE.join(', '));
    if (route.method !== 'HEAD') expect(response.json).toEqual(unauthorizedBody(`missing authentication credentials for REST request [${route.path}]`));
  });

  test('a wrong password or an unknown key: 401', async () => {
    const password = await call(basic('elastic', 'not-the-password'));
    expect(password.status).toBe(401);
    if (route.method !== 'HEAD') expect(password.json).toEqual(unauthorizedBody(`unable to authenticate user [elastic] for REST request [${route.path}]`));
    const key = await call({ authorization: 'ApiKey ' + Buffer.from('no-such-key:secret').toString('base64') });
    expect(key.status).toBe(401);
    if (route.method !== 'HEAD') {
      expect(key.json).toEqual(
        unauthorizedBody('unable to authenticate with provided credentials and anonymous access is not allowed for this request', {
          additional_unsuccessful_credentials: 'API key: unable to find apikey with id no-such-key',
        }),
      );
    }
  });

  test('a key without the privilege: 403 naming the action and the privileges that grant it', async () => {
    const response = await call(noPrivileges.header);
    if (ANY_USER.has(route.action)) return expect(response.status).toBe(200);
    expect(response.status).toBe(403);
    if (route.method === 'HEAD') return;
    const reason = `action [${route.action}] is unauthorized for API key id [${noPrivileges.id}] of user [elastic], this action is granted by the cluster privileges [${GRANTED_BY[route.action]}]`;
    const cause = { type: 'security_exception', reason };
    // The chat_completion routes answer in the unified envelope, as their other errors.
    if (response.json.status === undefined) expect(response.json).toEqual({ error: { code: 'forbidden', message: reason, type: 'security_exception' } });
    else expect(response.json).toEqual({ error: { root_cause: [cause], ...cause }, status: 403 });
  });

  test('the right privilege: neither 401 nor 403', async () => {
    const privilege = RIGHT_PRIVILEGE[route.action] ?? (route.action.startsWith('cluster:admin/xpack/inference') ? 'manage_inference' : 'monitor_inference');
    const response = await call(route.action.startsWith('cluster:admin/xpack/security') || ANY_USER.has(route.action) ? elastic : keys.get(privilege)!);
    expect([401, 403]).not.toContain(response.status);
  });
});
