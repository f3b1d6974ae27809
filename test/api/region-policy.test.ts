/** PUT, GET and DELETE /_inference/_region_policy (reference §2.9): bodies checked in Elasticsearch's words, the
 * policy kept with who created and replaced it, across restarts. */
import Database from 'better-sqlite3';
import { RegionPolicyStore } from '../../server/store/region-policy-store';
import { reasonOf, startTestServer, type TestServer } from '../support/server';

const PATH = '/_inference/_region_policy';
const GEOS = { region_policy: { allowed_geos: ['us', 'eu'] } };
const REGIONS = {
  region_policy: {
    allowed_regions: [{ csp: 'aws', region: 'us-east-1' }, { csp: 'gcp', region: 'europe-west1' }],
    fallback_region: { csp: 'aws', region: 'us-east-1' },
  },
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});
afterEach(async () => {
  await server.call('DELETE', PATH);
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

test('without a policy, GET and DELETE answer 404 (not "Inference endpoint not found")', async () => {
  for (const method of ['GET', 'DELETE']) {
    const response = await server.call(method, PATH);
    expect(response.status).toBe(404);
    expect(response.json.error.type).toBe('resource_not_found_exception');
    expect(reasonOf(response)).toBe('No region policy is configured for this deployment');
  }
});

test('PUT geos, GET it back, DELETE it', async () => {
  const put = await server.call('PUT', PATH, GEOS);
  expect(put.status).toBe(200);
  expect(put.json.region_policy).toEqual({ allowed_geos: ['us', 'eu'] });
  expect(put.json.created_at).toMatch(ISO);
  // Security is off: nobody to name, and never updated yet.
  expect(Object.keys(put.json).sort()).toEqual(['created_at', 'region_policy']);

  const get = await server.call('GET', PATH);
  expect(get.status).toBe(200);
  expect(get.json).toEqual(put.json);

  const deleted = await server.call('DELETE', PATH);
  expect(deleted.status).toBe(200);
  expect(deleted.json).toEqual({ acknowledged: true });
  expect((await server.call('GET', PATH)).status).toBe(404);
});

test('PUT regions with a fallback; a replacement keeps created_at and sets updated_at', async () => {
  const first = await server.call('PUT', PATH, GEOS);
  await new Promise((resolve) => setTimeout(resolve, 5));
  const second = await server.call('PUT', `${PATH}?force=true`, REGIONS);
  expect(second.status).toBe(200);
  expect(second.json.region_policy).toEqual(REGIONS.region_policy);
  expect(second.json.created_at).toBe(first.json.created_at);
  expect(second.json.updated_at).toMatch(ISO);
  expect(second.json.updated_at >= second.json.created_at).toBe(true);
  expect((await server.call('GET', PATH)).json).toEqual(second.json);
});

test('force=false and force=true are both accepted (no endpoint is governed by the policy)', async () => {
  expect((await server.call('PUT', `${PATH}?force=false`, GEOS)).status).toBe(200);
  expect((await server.call('PUT', `${PATH}?force=true`, GEOS)).status).toBe(200);
  expect((await server.call('PUT', `${PATH}?force=maybe`, GEOS)).status).toBe(400);
});

test('the policy survives a restart', async () => {
  const put = await server.call('PUT', PATH, REGIONS);
  await server.restart();
  const get = await server.call('GET', PATH);
  expect(get.status).toBe(200);
  expect(get.json).toEqual(put.json);
});

test('the store records who created and who replaced the policy', () => {
  const store = new RegionPolicyStore(new Database(':memory:'));
  const created = store.put({ allowed_geos: ['us'] }, 'alice', new Date('2026-01-01T00:00:00Z'));
  expect(created).toEqual({ region_policy: { allowed_geos: ['us'] }, created_at: '2026-01-01T00:00:00.000Z', created_by: 'alice' });
  const replaced = store.put({ allowed_geos: ['eu'] }, 'bob', new Date('2026-01-02T00:00:00Z'));
  expect(replaced).toEqual({
    region_policy: { allowed_geos: ['eu'] },
    created_at: '2026-01-01T00:00:00.000Z',
    created_by: 'alice',
    updated_at: '2026-01-02T00:00:00.000Z',
    updated_by: 'bob',
  });
  expect(store.get()).toEqual(replaced);
  expect(store.delete()).toBe(true);
  expect(store.delete()).toBe(false);
  expect(store.get()).toBeUndefined();
});

describe('validation, in Elasticsearch words', () => {
  const put = (body: unknown) => server.call('PUT', PATH, body);

  test('no body', async () => {
    const response = await server.call('PUT', PATH);
    expect(response.status).toBe(400);
    expect(response.json.error.type).toBe('parse_exception');
    expect(reasonOf(response)).toBe('body is required');
  });

  test('no region_policy', async () => {
    const response = await put({});
    expect(response.status).toBe(400);
    expect(response.json.error.type).toBe('illegal_argument_exception');
    expect(reasonOf(response)).toBe('Required [region_policy]');
  });

  test('unknown top-level field', async () => {
    const response = await put('{"region_policy":{"allowed_geos":["us"]},"extra":1}');
    expect(response.status).toBe(400);
    expect(response.json.error.type).toBe('x_content_parse_exception');
    expect(reasonOf(response)).toBe('[1:42] [put_region_policy_request] unknown field [extra]');
  });

  test('unknown field in region_policy', async () => {
    const response = await put('{"region_policy":{"allowed_geos":["us"],"colour":"red"}}');
    expect(response.status).toBe(400);
    expect(reasonOf(response)).toBe('[1:2] [put_region_policy_request] failed to parse field [region_policy]');
    expect(response.json.error.caused_by).toEqual({ type: 'x_content_parse_exception', reason: '[1:41] [region_policy] unknown field [colour]' });
  });

  test('both allowed_geos and allowed_regions', async () => {
    const response = await put({ region_policy: { allowed_geos: ['us'], allowed_regions: [{ csp: 'aws', region: 'us-east-1' }] } });
    expect(response.status).toBe(400);
    expect(reasonOf(response)).toBe('[1:2] [put_region_policy_request] failed to parse field [region_policy]');
    expect(response.json.error.caused_by.reason).toMatch(/^\[1:\d+\] The following fields are not allowed together: \[allowed_geos, allowed_regions\]$/);
  });

  test('neither allowed_geos nor allowed_regions', async () => {
    const response = await put({ region_policy: {} });
    expect(response.status).toBe(400);
    expect(reasonOf(response)).toBe('[1:2] [put_region_policy_request] failed to parse field [region_policy]');
    expect(response.json.error.caused_by).toEqual({
      type: 'illegal_argument_exception',
      reason: 'Required one of fields [allowed_geos, allowed_regions], but none were specified.',
    });
  });

  test.each(['allowed_geos', 'allowed_regions'])('empty %s', async (field) => {
    const response = await put({ region_policy: { [field]: [] } });
    expect(response.status).toBe(400);
    expect(response.json.error.type).toBe('action_request_validation_exception');
    expect(reasonOf(response)).toBe(`Validation Failed: 1: [region_policy.${field}] must not be empty;`);
  });

  test('a region without csp', async () => {
    const response = await put({ region_policy: { allowed_regions: [{ region: 'us-east-1' }] } });
    expect(response.status).toBe(400);
    expect(reasonOf(response)).toBe('[1:2] [put_region_policy_request] failed to parse field [region_policy]');
    expect(response.json.error.caused_by.reason).toBe('[1:19] [region_policy] failed to parse field [allowed_regions]');
    expect(response.json.error.caused_by.caused_by).toEqual({ type: 'illegal_argument_exception', reason: 'Required [csp]' });
  });

  test('an unknown field in the fallback region', async () => {
    const response = await put({ region_policy: { allowed_regions: [{ csp: 'aws', region: 'r' }], fallback_region: { csp: 'aws', region: 'r', zone: 'a' } } });
    expect(response.status).toBe(400);
    expect(response.json.error.caused_by.reason).toMatch(/\[region_policy\] failed to parse field \[fallback_region\]$/);
    expect(response.json.error.caused_by.caused_by.reason).toMatch(/\[csp_region\] unknown field \[zone\]$/);
  });

  test('wrong value types', async () => {
    const notBody = await put('["us"]');
    expect(reasonOf(notBody)).toBe('[1:1] [put_region_policy_request] Expected START_OBJECT but was: START_ARRAY');
    const notObject = await put({ region_policy: 'us' });
    expect(reasonOf(notObject)).toBe("[1:2] [put_region_policy_request] region_policy doesn't support values of type: VALUE_STRING");
    const notArray = await put({ region_policy: { allowed_geos: 'us' } });
    expect(notArray.json.error.caused_by.reason).toBe("[1:19] [region_policy] allowed_geos doesn't support values of type: VALUE_STRING");
    const nullRegion = await put({ region_policy: { allowed_regions: [{ csp: 'aws', region: null }] } });
    expect(nullRegion.json.error.caused_by.caused_by.reason).toMatch(/\[csp_region\] region doesn't support values of type: VALUE_NULL$/);
  });

  test('a refused PUT leaves the stored policy alone', async () => {
    const stored = await put(GEOS);
    expect((await put({ region_policy: { allowed_geos: [] } })).status).toBe(400);
    expect((await server.call('GET', PATH)).json).toEqual(stored.json);
  });
});
