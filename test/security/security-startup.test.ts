/** When security turns on, what credentials it starts with, and when it refuses to start. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { startTestServer } from '../support/server';
import { basic } from '../support/security';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'infergate-security-'));
  dirs.push(dir);
  return dir;
};

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('starting with security on', () => {
  it('auto on a public address with no credential configured refuses to start', async () => {
    await expect(startTestServer({ security: 'auto', host: '0.0.0.0' })).rejects.toThrow(
      'security is on (INFERGATE_SECURITY=auto, HOST [0.0.0.0] is not loopback) but no credentials are configured',
    );
  });

  it('auto on a public address with a bootstrap password starts and wants credentials, whatever the Host', async () => {
    const server = await startTestServer({ security: 'auto', host: '0.0.0.0', bootstrapPassword: 'first-password' });
    try {
      const anonymous = await server.call('GET', '/_inference', undefined, { host: 'example.com' });
      expect(anonymous.status).toBe(401);
      const elastic = await server.call('GET', '/_security/_authenticate', undefined, { ...basic('elastic', 'first-password'), host: 'example.com' });
      expect(elastic.json).toMatchObject({ username: 'elastic', roles: ['superuser'], authentication_type: 'realm' });
    } finally {
      await server.stop();
    }
  });

  it('true with no credential generates a password for elastic, shows it once (never in the log), and keeps it', async () => {
    const dataDir = tempDir();
    const shown: string[] = [];
    const server = await startTestServer({ security: 'true', dataDir }, { announce: (text) => shown.push(text) });
    try {
      expect(shown).toHaveLength(1);
      const password = /\n {2}(\S+)\n/.exec(shown[0]!)![1]!;
      expect(password).toHaveLength(20);
      expect(server.logs.join('')).not.toContain(password);
      expect((await server.call('GET', '/_security/_authenticate', undefined, basic('elastic', password))).status).toBe(200);
      await server.restart();
      expect(shown).toHaveLength(1);
      expect((await server.call('GET', '/_security/_authenticate', undefined, basic('elastic', password))).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('the bootstrap password is used only while elastic has none', async () => {
    const dataDir = tempDir();
    const first = await startTestServer({ security: 'true', dataDir, bootstrapPassword: 'first-password' });
    await first.stop();
    const second = await startTestServer({ security: 'true', dataDir, bootstrapPassword: 'second-password' });
    try {
      expect((await second.call('GET', '/_security/_authenticate', undefined, basic('elastic', 'first-password'))).status).toBe(200);
      expect((await second.call('GET', '/_security/_authenticate', undefined, basic('elastic', 'second-password'))).status).toBe(401);
    } finally {
      await second.stop();
    }
  });

  it('refuses a bootstrap password shorter than Elasticsearch allows', async () => {
    await expect(startTestServer({ security: 'true', bootstrapPassword: 'short' })).rejects.toThrow('INFERGATE_BOOTSTRAP_PASSWORD must be at least [6] characters long');
  });

  it('a trusted proxy turns security on under auto, even on loopback', async () => {
    const server = await startTestServer({ security: 'auto', trustProxy: 'loopback', bootstrapPassword: 'proxy-password' });
    try {
      expect((await server.call('GET', '/_inference')).status).toBe(401);
    } finally {
      await server.stop();
    }
  });
});

describe('the file realm', () => {
  it('reads Elasticsearch users and users_roles files', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'users'), `# users\nalice:${bcrypt.hashSync('alice-password', 4)}\nbob:${bcrypt.hashSync('bob-password', 4).replace(/^\$2b\$/, '$2y$')}\n`);
    writeFileSync(path.join(dir, 'users_roles'), 'inference_admin:alice\ninference_user:bob\nno_such_role:bob\n');
    const server = await startTestServer({ security: 'true', usersFile: path.join(dir, 'users'), usersRolesFile: path.join(dir, 'users_roles'), authFailureLimit: 0 });
    try {
      const alice = await server.call('GET', '/_security/_authenticate', undefined, basic('alice', 'alice-password'));
      expect(alice.json).toEqual({
        username: 'alice',
        roles: ['inference_admin'],
        full_name: null,
        email: null,
        metadata: {},
        enabled: true,
        authentication_realm: { name: 'file', type: 'file' },
        lookup_realm: { name: 'file', type: 'file' },
        authentication_type: 'realm',
      });
      const bob = basic('bob', 'bob-password');
      expect((await server.call('GET', '/_inference/_services', undefined, bob)).status).toBe(200);
      const denied = await server.call('DELETE', '/_inference/anything', undefined, bob);
      expect(denied.status).toBe(403);
      expect(denied.json.error.reason).toBe(
        'action [cluster:admin/xpack/inference/delete] is unauthorized for user [bob] with effective roles [inference_user] (assigned roles [no_such_role] were not found), this action is granted by the cluster privileges [manage_inference,manage,all]',
      );
      const aliceDelete = await server.call('DELETE', '/_inference/anything', undefined, basic('alice', 'alice-password'));
      expect(aliceDelete.status).toBe(404);
      // The file realm users have no elastic password: elastic cannot log in, and none was generated.
      expect((await server.call('GET', '/_inference', undefined, basic('elastic', 'alice-password'))).status).toBe(401);
    } finally {
      await server.stop();
    }
  });

  it('refuses a malformed users file without quoting its line', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'users'), 'carol:plaintext-secret\n');
    const start = startTestServer({ security: 'true', usersFile: path.join(dir, 'users') });
    await expect(start).rejects.toThrow(`${path.join(dir, 'users')}:1: expected username:bcrypt-hash`);
    await expect(start).rejects.not.toThrow('plaintext-secret');
  });
});
