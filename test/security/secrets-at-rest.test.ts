/** Secrets at rest: a copy of the database file, its -wal and -shm holds no secret byte — not after create, update
 * or delete, not after a restart, and not after a plaintext database from before is opened and migrated. */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DATABASE_FILE } from '../../server/store/database';
import { KEY_FILE } from '../../server/security/secret-box';
import { startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import { startTestServer, type TestServer } from '../support/server';

const KEYS = [0, 1, 2, 3, 4].map((n) => `sk-at-rest-${n}-7f3a9c1e5b2d8f4a6c0e`);
const [KEEP_KEY, OLD_KEY, NEW_KEY, DELETED_KEY, PLAINTEXT_KEY] = KEYS;

let mock: MockOpenAi;
beforeAll(async () => {
  mock = await startMockOpenAi({ apiKeys: KEYS });
});
afterAll(() => mock.close());

/** Every secret (as is, base64, base64url, hex) found in the database file, its -wal or -shm. */
function secretsOnDisk(dataDir: string, secrets: string[]): string[] {
  const found: string[] = [];
  for (const suffix of ['', '-wal', '-shm']) {
    const file = path.join(dataDir, DATABASE_FILE + suffix);
    if (!existsSync(file)) continue;
    const bytes = readFileSync(file);
    for (const secret of secrets) {
      const forms = [secret, ...(['base64', 'base64url', 'hex'] as const).map((encoding) => Buffer.from(secret).toString(encoding))];
      if (forms.some((form) => bytes.includes(form))) found.push(`${secret} in ${DATABASE_FILE}${suffix}`);
    }
  }
  return found;
}

const endpointBody = (apiKey: string) => ({
  service: 'openai',
  service_settings: { api_key: apiKey, model_id: 'gpt-4o-mini', url: mock.chatUrl },
});

async function completeWith(server: TestServer, id: string): Promise<string | undefined> {
  mock.requests.length = 0;
  const response = await server.call('POST', `/_inference/completion/${id}`, { input: 'hello' });
  expect(response.status).toBe(200);
  return String(mock.requests.at(-1)?.headers.authorization);
}

describe('secrets at rest', () => {
  let dataDir: string;
  let server: TestServer;
  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'infergate-at-rest-'));
    server = await startTestServer({ dataDir });
  });
  afterEach(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('create, update and delete leave no secret in the files, and endpoints work after a restart', async () => {
    expect((await server.call('PUT', '/_inference/completion/keep', endpointBody(KEEP_KEY))).status).toBe(200);
    expect((await server.call('PUT', '/_inference/completion/updated', endpointBody(OLD_KEY))).status).toBe(200);
    expect((await server.call('PUT', '/_inference/completion/deleted', endpointBody(DELETED_KEY))).status).toBe(200);
    const update = { service_settings: { api_key: NEW_KEY } };
    expect((await server.call('PUT', '/_inference/updated/_update', update)).status).toBe(200);
    expect((await server.call('DELETE', '/_inference/deleted')).status).toBe(200);

    expect(secretsOnDisk(dataDir, KEYS)).toEqual([]);
    // The scan has teeth: the same bytes written in plain are found.
    expect(secretsOnDisk(dataDir, ['completion'])).not.toEqual([]);

    await server.restart();
    expect(await completeWith(server, 'keep')).toBe(`Bearer ${KEEP_KEY}`);
    expect(await completeWith(server, 'updated')).toBe(`Bearer ${NEW_KEY}`);
    expect((await server.call('GET', '/_inference/deleted')).status).toBe(404);
    expect(secretsOnDisk(dataDir, KEYS)).toEqual([]);
  });

  test('a database from before, with plaintext secrets, is sealed at start and keeps working', async () => {
    expect((await server.call('PUT', '/_inference/completion/legacy', endpointBody(KEEP_KEY))).status).toBe(200);
    await server.running.stop();
    // Write the row as the server did before sealing: secret settings as plain JSON.
    const db = new Database(path.join(dataDir, DATABASE_FILE));
    db.prepare('UPDATE endpoints SET secrets = ? WHERE inference_id = ?').run(JSON.stringify({ api_key: PLAINTEXT_KEY }), 'legacy');
    db.close();
    expect(secretsOnDisk(dataDir, [PLAINTEXT_KEY])).not.toEqual([]);

    await server.restart();
    expect(secretsOnDisk(dataDir, KEYS)).toEqual([]);
    expect(await completeWith(server, 'legacy')).toBe(`Bearer ${PLAINTEXT_KEY}`);
  });

  test('npm run keys -- rotate re-encrypts every secret, refuses under a live server, and leaves no old ciphertext', async () => {
    expect((await server.call('PUT', '/_inference/completion/first', endpointBody(KEEP_KEY))).status).toBe(200);
    expect((await server.call('PUT', '/_inference/completion/second', endpointBody(NEW_KEY))).status).toBe(200);
    const refused = rotate(dataDir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/a server \(pid \d+\) is running/);

    await server.running.stop();
    const sealedBefore = sealedSecrets(dataDir);
    const keyBefore = readFileSync(path.join(dataDir, KEY_FILE), 'utf8');
    const rotated = rotate(dataDir);
    expect(rotated.stderr).toBe('');
    expect(rotated.stdout).toMatch(/re-encrypted 2 endpoint\(s\) from key [0-9a-f]{12} to key [0-9a-f]{12}/);
    expect(readFileSync(path.join(dataDir, KEY_FILE), 'utf8')).not.toBe(keyBefore);
    expect(sealedSecrets(dataDir).some((sealed) => sealedBefore.includes(sealed))).toBe(false);
    expect(secretsOnDisk(dataDir, [...KEYS, ...sealedBefore.map((sealed) => sealed.split('.')[4])])).toEqual([]);

    await server.restart();
    expect(await completeWith(server, 'first')).toBe(`Bearer ${KEEP_KEY}`);
    expect(await completeWith(server, 'second')).toBe(`Bearer ${NEW_KEY}`);
  });
});

function rotate(dataDir: string) {
  const env = { ...process.env, INFERGATE_DATA_DIR: dataDir, INFERGATE_ENCRYPTION_KEY: '', INFERGATE_NEW_ENCRYPTION_KEY: '' };
  const tsx = path.join(__dirname, '../../node_modules/.bin/tsx');
  return spawnSync(tsx, [path.join(__dirname, '../../scripts/keys.ts'), 'rotate'], { env, encoding: 'utf8' });
}

function sealedSecrets(dataDir: string): string[] {
  const db = new Database(path.join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare<[], { secrets: string }>('SELECT secrets FROM endpoints').all().map((row) => row.secrets);
  } finally {
    db.close();
  }
}
