/** The SQLite endpoint store serves reads from memory (loaded at open, kept by its own writes), and the default
 * endpoints on top of it are handed out without a write until an `_update` stores one. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SecretBox, generateKey } from '../../server/security/secret-box';
import { openDatabase, type SqliteDatabase } from '../../server/store/database';
import type { StoredEndpoint } from '../../server/store/endpoint-store';
import { SqliteEndpointStore } from '../../server/store/sqlite-endpoint-store';
import { StoreWithDefaultEndpoints } from '../../server/store/with-default-endpoints';

const endpoint = (inferenceId: string, user = 'u1'): StoredEndpoint => ({
  inferenceId,
  taskType: 'completion',
  service: 'openai',
  serviceSettings: { model_id: 'gpt-4o-mini' },
  taskSettings: { user },
  secrets: { api_key: `sk-${inferenceId}` },
  internal: {},
});

let dataDir: string;
let db: SqliteDatabase;
const box = new SecretBox(generateKey());
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'infergate-sqlite-store-'));
  db = openDatabase(dataDir);
});
afterEach(() => {
  db.close();
  rmSync(dataDir, { recursive: true, force: true });
});
const rowCount = () => (db.prepare('SELECT count(*) AS n FROM endpoints').get() as { n: number }).n;
const reopen = () => {
  db.close();
  db = openDatabase(dataDir);
  return new SqliteEndpointStore(db, box);
};

test('reads come from memory, which every committed write keeps; a reopened store reads the same', async () => {
  const store = new SqliteEndpointStore(db, box);
  expect(await store.insert(endpoint('b'))).toBe(true);
  expect(await store.insert(endpoint('a'))).toBe(true);
  expect(await store.insert(endpoint('a', 'other'))).toBe(false);
  expect(await store.replace(endpoint('b', 'u2'))).toBe(true);
  expect(await store.replace(endpoint('missing'))).toBe(false);
  expect(store.list().map((e) => [e.inferenceId, e.taskSettings.user])).toEqual([['a', 'u1'], ['b', 'u2']]);
  // A row changed behind the store's back is not seen: reads do not touch the file.
  db.prepare("DELETE FROM endpoints WHERE inference_id = 'a'").run();
  expect(store.get('a')).toBeDefined();
  // The kept copy is not the caller's object.
  const written = endpoint('c');
  await store.insert(written);
  written.taskSettings.user = 'mutated';
  expect(store.get('c')!.taskSettings.user).toBe('u1');
  expect(await store.delete('c')).toBe(true);
  expect(await store.delete('c')).toBe(false);
  const reopened = reopen();
  expect(reopened.list()).toEqual([endpoint('b', 'u2')]);
});

test('a default endpoint is read without being stored, stored by its first _update, and back after DELETE', async () => {
  const store = new StoreWithDefaultEndpoints(new SqliteEndpointStore(db, box), [endpoint('.default')]);
  await store.insert(endpoint('z'));
  expect(store.get('.default')).toEqual(endpoint('.default'));
  expect(store.list().map((e) => e.inferenceId)).toEqual(['.default', 'z']);
  expect(rowCount()).toBe(1);
  expect(await store.replace(endpoint('.default', 'updated'))).toBe(true);
  expect(rowCount()).toBe(2);
  expect(reopen().get('.default')!.taskSettings.user).toBe('updated');
  const again = new StoreWithDefaultEndpoints(new SqliteEndpointStore(db, box), [endpoint('.default')]);
  expect(again.get('.default')!.taskSettings.user).toBe('updated');
  expect(await again.delete('.default')).toBe(true);
  expect(again.get('.default')).toEqual(endpoint('.default'));
  expect(await again.replace(endpoint('not-a-default'))).toBe(false);
});
