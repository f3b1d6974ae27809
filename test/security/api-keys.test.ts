/** The API key lifecycle through Elasticsearch's security API: create, use, list, expire, invalidate. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server';
import { apiKeyHeader, createKey, elastic, securityConfig } from '../support/security';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(securityConfig);
});

afterAll(async () => {
  await server?.stop();
});

const reasonOf = async (method: string, url: string, body: unknown, headers = elastic) => (await server.call(method, url, body, headers)).json.error.reason;

describe('POST /_security/api_key', () => {
  it('answers id, name, expiration, api_key and encoded, and the key authenticates at once', async () => {
    const before = Date.now();
    const created = await server.call('POST', '/_security/api_key', { name: 'one-day', expiration: '1d', metadata: { team: 'search' } }, elastic);
    expect(created.status).toBe(200);
    expect(Object.keys(created.json)).toEqual(['id', 'name', 'expiration', 'api_key', 'encoded']);
    expect(created.json.id).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(created.json.api_key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(created.json.encoded, 'base64').toString()).toBe(`${created.json.id}:${created.json.api_key}`);
    expect(created.json.expiration).toBeGreaterThanOrEqual(before + 86_400_000);
    const me = await server.call('GET', '/_security/_authenticate', undefined, apiKeyHeader(created.json.encoded));
    expect(me.json).toMatchObject({ username: 'elastic', authentication_type: 'api_key', api_key: { id: created.json.id, name: 'one-day' } });
  });

  it('refuses what Elasticsearch refuses, in its words', async () => {
    expect(await reasonOf('POST', '/_security/api_key', {})).toBe('Validation Failed: 1: api key name is required;');
    expect(await reasonOf('POST', '/_security/api_key', { name: ' padded' })).toBe('Validation Failed: 1: api key name may not begin or end with whitespace;');
    expect(await reasonOf('POST', '/_security/api_key', { name: '_hidden', metadata: { _x: 1 } })).toBe(
      'Validation Failed: 1: api key name may not begin with an underscore;2: API key metadata keys may not start with [_];',
    );
    expect(await reasonOf('POST', '/_security/api_key', { name: 'x'.repeat(257) })).toBe('Validation Failed: 1: api key name may not be more than 256 characters long;');
    expect(await reasonOf('POST', '/_security/api_key', { name: 'k', role_descriptors: { r: { cluster: ['manage_everything'] } } })).toMatch(
      /^Validation Failed: 1: unknown cluster privilege \[manage_everything\]\. a privilege must be either one of the predefined cluster privilege names \[all,.*\] or a pattern over one of the available cluster actions;$/,
    );
    expect(await reasonOf('POST', '/_security/api_key', { name: 'k', expiration: 'soon' })).toBe(
      'failed to parse setting [expiration] with value [soon] as a time value: unit is missing or unrecognized',
    );
    const unknown = await server.call('POST', '/_security/api_key', { name: 'k', colour: 'red' }, elastic);
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.type).toBe('x_content_parse_exception');
    expect(unknown.json.error.reason).toBe('[1:13] [api_key_request] unknown field [colour]');
  });

  it('a key may create only keys that grant nothing', async () => {
    const parent = await createKey(server, 'parent', ['manage_own_api_key', 'monitor_inference']);
    const derived = await server.call('POST', '/_security/api_key', { name: 'child', role_descriptors: { r: { cluster: ['monitor_inference'] } } }, parent.header);
    expect(derived.status).toBe(400);
    expect(derived.json.error).toMatchObject({ type: 'illegal_argument_exception', reason: 'creating derived api keys requires an explicit role descriptor that is empty (has no privileges)' });
    const empty = await server.call('POST', '/_security/api_key', { name: 'child', role_descriptors: { r: {} } }, parent.header);
    expect(empty.status).toBe(200);
  });

  it('a cluster action pattern is a privilege too', async () => {
    const key = await createKey(server, 'pattern', ['cluster:monitor/xpack/inference/services']);
    expect((await server.call('GET', '/_inference/_services', undefined, key.header)).status).toBe(200);
    expect((await server.call('GET', '/_inference', undefined, key.header)).status).toBe(403);
  });
});

describe('using a key', () => {
  it('an expired key answers Elasticsearch 401', async () => {
    const created = await server.call('POST', '/_security/api_key', { name: 'short-lived', expiration: '1ms' }, elastic);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const refused = await server.call('GET', '/_inference', undefined, apiKeyHeader(created.json.encoded));
    expect(refused.status).toBe(401);
    expect(refused.json.error.additional_unsuccessful_credentials).toBe('API key: api key is expired');
  });

  it('a known id with a wrong secret, and a malformed header, answer 401', async () => {
    const key = await createKey(server, 'secret-check', ['monitor_inference']);
    const wrong = await server.call('GET', '/_inference', undefined, apiKeyHeader(Buffer.from(`${key.id}:not-the-secret`).toString('base64')));
    expect(wrong.json.error.additional_unsuccessful_credentials).toBe(`API key: invalid credentials for API key [${key.id}]`);
    const malformed = await server.call('GET', '/_inference', undefined, { authorization: 'ApiKey bm8tY29sb24=' });
    expect(malformed.status).toBe(401);
    expect(malformed.json.error).toMatchObject({ reason: 'error attempting to authenticate request', caused_by: { type: 'illegal_argument_exception', reason: 'invalid ApiKey value' } });
    const basicValue = await server.call('GET', '/_inference', undefined, { authorization: 'Basic bm8tY29sb24=' });
    expect(basicValue.json.error.reason).toBe('invalid basic authentication header value');
  });
});

describe('GET and DELETE /_security/api_key', () => {
  it('lists by id, by name with wildcards, owned, and active only; invalidation is reported once', async () => {
    const a = await createKey(server, 'listed-a', ['monitor_inference']);
    const b = await createKey(server, 'listed-b', ['monitor_inference']);
    const byId = await server.call('GET', `/_security/api_key?id=${a.id}`, undefined, elastic);
    expect(byId.json.api_keys).toEqual([
      {
        id: a.id,
        name: 'listed-a',
        type: 'rest',
        creation: expect.any(Number),
        invalidated: false,
        username: 'elastic',
        realm: 'reserved',
        realm_type: 'reserved',
        metadata: {},
        role_descriptors: { 'listed-a-role': { cluster: ['monitor_inference'], indices: [], applications: [], run_as: [], metadata: {}, transient_metadata: { enabled: true } } },
      },
    ]);
    const byName = await server.call('GET', '/_security/api_key?name=listed-*', undefined, elastic);
    expect(byName.json.api_keys.map((key: { name: string }) => key.name)).toEqual(['listed-a', 'listed-b']);
    expect((await server.call('GET', '/_security/api_key?id=nope', undefined, elastic)).json).toEqual({ api_keys: [] });
    expect(await reasonOf('GET', `/_security/api_key?id=${a.id}&username=elastic`, undefined)).toBe(
      'Validation Failed: 1: username or realm name must not be specified when the api key id or api key name is specified;',
    );

    const deleted = await server.call('DELETE', '/_security/api_key', { ids: [a.id, b.id] }, elastic);
    expect(deleted.json).toEqual({ invalidated_api_keys: [a.id, b.id], previously_invalidated_api_keys: [], error_count: 0 });
    const again = await server.call('DELETE', '/_security/api_key', { ids: [a.id] }, elastic);
    expect(again.json).toEqual({ invalidated_api_keys: [], previously_invalidated_api_keys: [a.id], error_count: 0 });
    expect((await server.call('GET', '/_inference', undefined, b.header)).json.error.additional_unsuccessful_credentials).toBe(`API key: api key [${b.id}] has been invalidated`);
    const listed = await server.call('GET', '/_security/api_key?name=listed-*', undefined, elastic);
    expect(listed.json.api_keys.map((key: { invalidated: boolean }) => key.invalidated)).toEqual([true, true]);
    expect((await server.call('GET', '/_security/api_key?name=listed-*&active_only=true', undefined, elastic)).json.api_keys).toEqual([]);
    expect(await reasonOf('DELETE', '/_security/api_key', {})).toBe(
      'Validation Failed: 1: One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false;',
    );
  });

  it('manage_own_api_key reaches its own keys only', async () => {
    const own = await createKey(server, 'self-manager', ['manage_own_api_key']);
    expect((await server.call('GET', '/_security/api_key?owner=true', undefined, own.header)).status).toBe(200);
    expect((await server.call('GET', `/_security/api_key?id=${own.id}`, undefined, own.header)).status).toBe(200);
    const other = await server.call('GET', '/_security/api_key', undefined, own.header);
    expect(other.status).toBe(403);
    expect(other.json.error.reason).toBe(
      `action [cluster:admin/xpack/security/api_key/get] is unauthorized for API key id [${own.id}] of user [elastic], this action is granted by the cluster privileges [read_security,manage_api_key,manage_security,all]`,
    );
    expect((await server.call('DELETE', '/_security/api_key', { ids: [own.id] }, own.header)).json.invalidated_api_keys).toEqual([own.id]);
  });
});

describe('secrets', () => {
  it('no key, encoded value or password is in a log line or a database byte', async () => {
    const created = await server.call('POST', '/_security/api_key', { name: 'scanned' }, elastic);
    await server.call('GET', '/_inference', undefined, apiKeyHeader(created.json.encoded));
    const logs = server.logs.join('');
    for (const secret of [created.json.api_key, created.json.encoded, 'elastic-test-password']) expect(logs).not.toContain(secret);
    for (const file of readdirSync(server.config.dataDir)) {
      const bytes = readFileSync(path.join(server.config.dataDir, file));
      for (const secret of [created.json.api_key, created.json.encoded, 'elastic-test-password']) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
  });
});

describe('failed attempts', () => {
  it('an address that fails too often waits, even with the right password, and is told how long', async () => {
    const limited = await startTestServer({ ...securityConfig, authFailureLimit: 3 });
    try {
      const wrong = { authorization: 'Basic ' + Buffer.from('elastic:wrong-password').toString('base64') };
      for (let i = 0; i < 3; i++) expect((await limited.call('GET', '/_inference', undefined, wrong)).status).toBe(401);
      const blocked = await limited.call('GET', '/_inference', undefined, elastic);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(blocked.json.error.type).toBe('security_exception');
      // Requests without credentials are not failures, and are not counted.
    } finally {
      await limited.stop();
    }
  });
});
