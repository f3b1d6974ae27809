/** PostgresEndpointStore against a real PostgreSQL server: migrations applied once however many replicas start
 * together, exactly one winner of concurrent inserts of one id across two stores, secrets sealed in the table,
 * changes seen by the other store (and reported to it, never to the writer), and a dropped LISTEN connection that
 * reconnects and reloads what it missed. */
import pg from 'pg';
import { createLogger } from '../../server/logger';
import { SecretBox, generateKey, isSealed } from '../../server/security/secret-box';
import { encodeEndpoint } from '../../server/store/endpoint-codec';
import type { EndpointChange, StoredEndpoint } from '../../server/store/endpoint-store';
import { migrate } from '../../server/store/postgres-migrations';
import { PostgresEndpointStore } from '../../server/store/postgres-endpoint-store';
import { describeWithPostgres, startPostgresDatabases, type PostgresDatabases } from '../support/postgres-databases';
import { waitFor } from '../support/wait-for';

const SECRET = 'sk-pg-store-4b1e9d7a2c6f0e83';
const logger = createLogger('silent');

const endpoint = (inferenceId: string, overrides: Partial<StoredEndpoint> = {}): StoredEndpoint => ({
  inferenceId,
  taskType: 'completion',
  service: 'openai',
  // Keys deliberately out of alphabetical and length order: the stored order must survive.
  serviceSettings: { url: 'http://127.0.0.1:1/v1', model_id: 'gpt-4o-mini', a: 1 },
  taskSettings: {},
  secrets: { api_key: SECRET },
  internal: {},
  ...overrides,
});

describeWithPostgres('PostgresEndpointStore', () => {
  let databases: PostgresDatabases;
  const opened: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    databases = await startPostgresDatabases();
  }, 120_000);
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((item) => item.close()));
  });
  afterAll(() => databases?.stop());

  const poolOn = (url: string) => {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    opened.push({ close: () => pool.end() });
    return pool;
  };
  async function storeOn(url: string, box: SecretBox): Promise<{ store: PostgresEndpointStore; changes: EndpointChange[] }> {
    const store = await PostgresEndpointStore.open({ pool: poolOn(url), url, box, logger });
    opened.unshift(store); // closed before its pool
    const changes: EndpointChange[] = [];
    store.onRemoteChange((change) => changes.push(change));
    return { store, changes };
  }

  test('migrations: four replicas starting together apply each migration once; again, none', async () => {
    const url = await databases.create();
    const pools = [0, 1, 2, 3].map(() => poolOn(url));
    const applied = await Promise.all(pools.map((pool) => migrate(pool)));
    expect(applied.flat()).toEqual([1]);
    expect(await migrate(pools[0]!)).toEqual([]);
    const { rows } = await pools[0]!.query('SELECT version, name FROM schema_migrations');
    expect(rows).toEqual([{ version: 1, name: 'endpoints' }]);
    // Four stores opening together on a fresh database all come up.
    const fresh = await databases.create();
    const box = new SecretBox(generateKey());
    const stores = await Promise.all([0, 1, 2, 3].map(() => storeOn(fresh, box)));
    expect(stores.map(({ store }) => store.list())).toEqual([[], [], [], []]);
  });

  test('concurrent inserts of one id on two stores: exactly one true, and both end up with the winner', async () => {
    const url = await databases.create();
    const box = new SecretBox(generateKey());
    const [a, b] = [await storeOn(url, box), await storeOn(url, box)];
    const attempts = Array.from({ length: 24 }, (_, n) =>
      (n % 2 === 0 ? a : b).store.insert(endpoint('race', { taskSettings: { user: `attempt-${n}` } })),
    );
    const results = await Promise.all(attempts);
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = `attempt-${results.indexOf(true)}`;
    await waitFor(() => a.store.get('race')?.taskSettings.user === winner && b.store.get('race')?.taskSettings.user === winner);
    const { rows } = await poolOn(url).query('SELECT count(*)::int AS n FROM endpoints');
    expect(rows[0].n).toBe(1);
  });

  test('secrets are sealed in the table; the settings keep their order', async () => {
    const url = await databases.create();
    const box = new SecretBox(generateKey());
    const { store } = await storeOn(url, box);
    expect(await store.insert(endpoint('sealed'))).toBe(true);
    const { rows } = await poolOn(url).query("SELECT config::text AS config, secrets FROM endpoints WHERE inference_id = 'sealed'");
    const raw = JSON.stringify(rows);
    expect(raw).not.toContain(SECRET);
    expect(raw).not.toContain(Buffer.from(SECRET).toString('base64'));
    expect(isSealed(rows[0].secrets)).toBe(true);
    expect(JSON.parse(box.open(rows[0].secrets, 'sealed'))).toEqual({ api_key: SECRET });
    // Bound to the id: the same seal does not open as another endpoint's.
    expect(() => box.open(rows[0].secrets, 'other')).toThrow();
    const { store: reader } = await storeOn(url, box);
    expect(Object.keys(reader.get('sealed')!.serviceSettings)).toEqual(['url', 'model_id', 'a']);
    expect(reader.get('sealed')!.secrets).toEqual({ api_key: SECRET });
  });

  test('insert, replace and delete on one store are seen and reported on the other, not on the writer', async () => {
    const url = await databases.create();
    const box = new SecretBox(generateKey());
    const [a, b] = [await storeOn(url, box), await storeOn(url, box)];
    expect(await a.store.insert(endpoint('shared'))).toBe(true);
    expect(a.store.get('shared')?.secrets).toEqual({ api_key: SECRET });
    await waitFor(() => b.store.get('shared') !== undefined);
    expect(b.store.get('shared')).toEqual(a.store.get('shared'));
    expect(b.changes).toEqual([{ inferenceId: 'shared', before: undefined, after: a.store.get('shared') }]);

    expect(await a.store.replace(endpoint('shared', { secrets: { api_key: 'sk-new' }, taskSettings: { user: 'u2' } }))).toBe(true);
    await waitFor(() => b.store.get('shared')?.taskSettings.user === 'u2');
    expect(b.store.get('shared')!.secrets).toEqual({ api_key: 'sk-new' });
    expect(b.changes[1]?.before?.secrets).toEqual({ api_key: SECRET });

    expect(await b.store.delete('shared')).toBe(true);
    expect(await b.store.delete('shared')).toBe(false);
    await waitFor(() => a.store.get('shared') === undefined);
    expect(a.changes.map((change) => [change.inferenceId, !!change.before, !!change.after])).toEqual([['shared', true, false]]);
    expect(await a.store.replace(endpoint('shared'))).toBe(false);
    expect(b.changes).toHaveLength(2);
  });

  test('time from a write resolving on one store to the other holding it (printed)', async () => {
    const url = await databases.create();
    const box = new SecretBox(generateKey());
    const [a, b] = [await storeOn(url, box), await storeOn(url, box)];
    const times: number[] = [];
    for (let n = 0; n < 30; n++) {
      await a.store.insert(endpoint(`timed-${n}`));
      times.push(await waitFor(() => b.store.get(`timed-${n}`) !== undefined, 5_000, `timed-${n}`, 0));
    }
    times.sort((x, y) => x - y);
    expect(b.store.list()).toHaveLength(30);
    console.log(`store to store (in process, LISTEN/NOTIFY then a re-read; loaded machine): ${times.length} inserts, median ${times[15]!.toFixed(2)} ms, max ${times.at(-1)!.toFixed(2)} ms`);
  });

  test('a dropped LISTEN connection reconnects and reloads what changed meanwhile (notifications then are lost)', async () => {
    const url = await databases.create();
    const box = new SecretBox(generateKey());
    const { store, changes } = await storeOn(url, box);
    const admin = poolOn(url);
    const { rows: killed } = await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    );
    expect(killed).toHaveLength(1);
    // Written without NOTIFY: only a reload can show it.
    const row = encodeEndpoint(endpoint('unannounced'), box);
    await admin.query(
      "INSERT INTO endpoints (inference_id, task_type, service, config, secrets, revision) VALUES ($1, $2, $3, $4::json, $5, nextval('endpoint_revision'))",
      [row.inference_id, row.task_type, row.service, row.config, row.secrets],
    );
    await waitFor(() => store.get('unannounced') !== undefined, 10_000);
    expect(store.get('unannounced')!.secrets).toEqual({ api_key: SECRET });
    expect(changes.map((change) => change.inferenceId)).toEqual(['unannounced']);
    // And it listens again.
    const other = await storeOn(url, box);
    await other.store.insert(endpoint('after-reconnect'));
    await waitFor(() => store.get('after-reconnect') !== undefined);
  });

  test('a replica with another encryption key refuses to open', async () => {
    const url = await databases.create();
    const { store } = await storeOn(url, new SecretBox(generateKey()));
    await store.insert(endpoint('keyed'));
    await expect(storeOn(url, new SecretBox(generateKey()))).rejects.toThrow(/endpoint \[keyed\].*INFERGATE_ENCRYPTION_KEY/);
  });
});
