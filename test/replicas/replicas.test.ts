/**
 * Replicas on PostgreSQL: three infergate processes (children, as deployed) share one database. A PUT, `_update` or
 * DELETE on one is seen by the others (the time to visibility is measured and printed); concurrent PUTs of one id
 * over all three give exactly one 200; a replica SIGKILLed amid writes leaves no half-written endpoint, and the others
 * carry on. The printed figures: writes, replicas, median and max time to visibility.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DEFAULT_OAUTH_CLIENT_ID, DEFAULT_OAUTH_CLIENT_SECRET, startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import { killSpawnedServers, spawnServer, type ChildServer } from '../support/child-server';
import { ABSENT, EndpointLedger, apiKeyOf, generationOf, userOf, type EndpointState } from '../support/endpoint-ledger';
import { jsonRequest } from '../support/one-shot-http';
import { describeWithPostgres } from '../support/postgres-databases';
import { startPostgres, type TestPostgres } from '../support/postgres-server';
import { waitFor } from '../support/wait-for';

jest.setTimeout(240_000);

const ENCRYPTION_KEY = randomBytes(32).toString('hex');
const ROUNDS = 8;

describeWithPostgres('replicas sharing one PostgreSQL database', () => {
  let postgres: TestPostgres;
  let mock: MockOpenAi;
  let replicas: ChildServer[];
  const dataDirs: string[] = [];

  const startReplica = (extra: Record<string, string> = {}) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'infergate-replica-'));
    dataDirs.push(dataDir);
    return spawnServer({
      INFERGATE_DATABASE_URL: postgres.url,
      INFERGATE_ENCRYPTION_KEY: ENCRYPTION_KEY,
      INFERGATE_DATA_DIR: dataDir,
      INFERGATE_UPSTREAM_ORIGINS: `openai=${mock.url}`,
      INFERGATE_MODELS_DIR: path.join(dataDir, 'no-models'),
      INFERGATE_LOG_LEVEL: 'info',
      ...extra,
    }, 150_000); // three starting at once on a loaded 2-core machine, each compiling its sources with tsx
  };

  beforeAll(async () => {
    postgres = await startPostgres();
    mock = await startMockOpenAi({ acceptAnyKey: true });
    // Started together: their migrations must not race.
    replicas = await Promise.all([startReplica(), startReplica(), startReplica()]);
  }, 300_000);
  afterAll(async () => {
    await killSpawnedServers();
    await mock?.close();
    postgres?.stop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  const putBody = (apiKey: string, user: string) => ({
    service: 'openai',
    service_settings: { api_key: apiKey, model_id: 'gpt-4o-mini' },
    task_settings: { user },
  });

  /** Milliseconds until `check` holds on a replica, polling it with GET (a poll costs a loopback round trip). */
  const visibleAfter = (replica: ChildServer, id: string, check: (status: number, endpoint: any) => boolean) =>
    waitFor(async () => {
      const response = await jsonRequest('GET', `${replica.url}/_inference/${id}`);
      return check(response.status, response.json?.endpoints?.[0]);
    }, 10_000, `${id} on ${replica.url}`, 1);

  const stats = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
  };

  test('PUT, _update and DELETE on one replica are seen on the others (time to visibility printed)', async () => {
    const times: Record<'PUT' | '_update' | 'DELETE', number[]> = { PUT: [], _update: [], DELETE: [] };
    // The peer figure: what one GET answer costs here, which bounds how soon a poll can show anything. (Also warms
    // each replica's GET path, whose first run compiles validators.)
    const getRoundTrips: number[] = [];
    for (let n = 0; n < 10; n++) {
      for (const replica of replicas) {
        const started = performance.now();
        expect((await jsonRequest('GET', `${replica.url}/_inference/not-there`)).status).toBe(404);
        if (n > 0) getRoundTrips.push(performance.now() - started);
      }
    }
    for (let round = 0; round < ROUNDS; round++) {
      const id = `visible-${round}`;
      const writer = replicas[round % replicas.length]!;
      const others = replicas.filter((replica) => replica !== writer);

      const put = await jsonRequest('PUT', `${writer.url}/_inference/completion/${id}`, putBody(`sk-first-${round}`, 'u1'));
      expect(put.status).toBe(200);
      times.PUT.push(...(await Promise.all(others.map((replica) => visibleAfter(replica, id, (status) => status === 200)))));

      const update = await jsonRequest('PUT', `${writer.url}/_inference/${id}/_update`, {
        service_settings: { api_key: `sk-second-${round}` },
        task_settings: { user: 'u2' },
      });
      expect(update.status).toBe(200);
      times._update.push(...(await Promise.all(others.map((replica) => visibleAfter(replica, id, (_s, endpoint) => endpoint?.task_settings?.user === 'u2')))));
      // The other replicas opened the new secret: their calls carry the updated key.
      mock.reset();
      for (const replica of others) {
        expect((await jsonRequest('POST', `${replica.url}/_inference/completion/${id}`, { input: 'hi' })).status).toBe(200);
      }
      expect(mock.requestsTo('chat').map((request) => request.headers.authorization)).toEqual(others.map(() => `Bearer sk-second-${round}`));

      expect((await jsonRequest('DELETE', `${writer.url}/_inference/${id}`)).status).toBe(200);
      times.DELETE.push(...(await Promise.all(others.map((replica) => visibleAfter(replica, id, (status) => status === 404)))));
    }
    const figures = Object.entries(times).map(([op, values]) => {
      const { median, max } = stats(values);
      return `${op}: ${values.length / (replicas.length - 1)} writes seen on ${replicas.length - 1} other replicas, median ${median.toFixed(1)} ms, max ${max.toFixed(1)} ms`;
    });
    const poll = stats(getRoundTrips);
    figures.push(`one GET round trip (the polling's own cost, same run): median ${poll.median.toFixed(1)} ms, max ${poll.max.toFixed(1)} ms`);
    console.log(`replica visibility (${replicas.length} replicas, time from the writer's 200 to the first GET answer showing it; loaded machine):\n  ${figures.join('\n  ')}`);
  });

  test('concurrent PUTs of one id over all replicas: exactly one 200, the others resource_already_exists', async () => {
    for (let round = 0; round < 5; round++) {
      const id = `contended-${round}`;
      const attempts = replicas.flatMap((replica, r) =>
        [0, 1].map((n) => jsonRequest('PUT', `${replica.url}/_inference/completion/${id}`, putBody(`sk-contended-${r}-${n}`, `r${r}-${n}`))),
      );
      const answers = await Promise.all(attempts);
      const winners = answers.filter((answer) => answer.status === 200);
      expect(winners).toHaveLength(1);
      for (const loser of answers.filter((answer) => answer.status !== 200)) {
        expect(loser.status).toBe(400);
        expect(loser.json.error).toMatchObject({ type: 'resource_already_exists_exception', reason: `Inference endpoint [${id}] already exists` });
      }
      const user = winners[0]!.json.task_settings.user;
      for (const replica of replicas) await visibleAfter(replica, id, (status, endpoint) => status === 200 && endpoint.task_settings.user === user);
    }
  });

  test("another replica's _update and DELETE drop this replica's cached OAuth2 token of the endpoint", async () => {
    const [writer, reader] = [replicas[0]!, replicas[1]!];
    const id = 'oauth-shared';
    const body = {
      service: 'openai',
      service_settings: {
        model_id: 'text-embedding-3-small',
        url: mock.embeddingsUrl,
        client_id: DEFAULT_OAUTH_CLIENT_ID,
        client_secret: DEFAULT_OAUTH_CLIENT_SECRET,
        scopes: ['inference'],
        token_url: mock.tokenUrl,
        dimensions: 4,
      },
    };
    const tokensAfterEmbedding = async () => {
      expect((await jsonRequest('POST', `${reader.url}/_inference/text_embedding/${id}`, { input: 'x' })).status).toBe(200);
      return mock.requestsTo('token').length;
    };
    expect((await jsonRequest('PUT', `${writer.url}/_inference/text_embedding/${id}`, body)).status).toBe(200);
    await visibleAfter(reader, id, (status) => status === 200);
    mock.reset();
    expect(await tokensAfterEmbedding()).toBe(1);
    expect(await tokensAfterEmbedding()).toBe(1); // cached

    expect((await jsonRequest('PUT', `${writer.url}/_inference/${id}/_update`, { task_settings: { user: 'changed' } })).status).toBe(200);
    await visibleAfter(reader, id, (_status, endpoint) => endpoint?.task_settings?.user === 'changed');
    expect(await tokensAfterEmbedding()).toBe(2);

    // Deleted and created again with the very same credentials: still a new token.
    expect((await jsonRequest('DELETE', `${writer.url}/_inference/${id}`)).status).toBe(200);
    await visibleAfter(reader, id, (status) => status === 404);
    expect((await jsonRequest('PUT', `${writer.url}/_inference/text_embedding/${id}`, body)).status).toBe(200);
    await visibleAfter(reader, id, (status) => status === 200);
    const before = mock.requestsTo('token').length;
    expect(await tokensAfterEmbedding()).toBe(before + 1);
  });

  test('a replica SIGKILLed amid writes leaves no half-written endpoint; the others carry on', async () => {
    const victim = await startReplica({ INFERGATE_SKIP_VALIDATION: 'true' });
    const ids = Array.from({ length: 12 }, (_, n) => `killed-${n}`);
    const ledger = new EndpointLedger(ids);
    let acknowledged = 0;
    const writeLoop = async (entries: typeof ledger.entries) => {
      for (;;) {
        const entry = entries[Math.floor(Math.random() * entries.length)]!;
        const generation = ledger.nextGeneration();
        const op = !entry.confirmed.present ? 'PUT' : Math.random() < 0.6 ? '_update' : 'DELETE';
        entry.pending = op === 'DELETE' ? ABSENT : { present: true, generation };
        const apiKey = apiKeyOf(entry.id, generation);
        const user = userOf(entry.id, generation);
        let response;
        try {
          if (op === 'PUT') response = await jsonRequest('PUT', `${victim.url}/_inference/completion/${entry.id}`, putBody(apiKey, user));
          else if (op === '_update') response = await jsonRequest('PUT', `${victim.url}/_inference/${entry.id}/_update`, { service_settings: { api_key: apiKey }, task_settings: { user } });
          else response = await jsonRequest('DELETE', `${victim.url}/_inference/${entry.id}`);
        } catch {
          return; // killed with this write in flight
        }
        if (response.status !== 200) throw new Error(`${op} ${entry.id}: ${response.status} ${response.text}`);
        entry.confirmed = entry.pending;
        entry.pending = undefined;
        acknowledged++;
      }
    };
    const workers = [0, 1, 2, 3].map((w) => writeLoop(ledger.entries.filter((_, n) => n % 4 === w)));
    await waitFor(() => acknowledged >= 40, 60_000, '40 acknowledged writes');
    await victim.kill('SIGKILL');
    await Promise.all(workers);

    // What the database holds, row by row: each a whole write (its settings and secret from the same generation).
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    const { rows } = await client.query("SELECT inference_id, config FROM endpoints WHERE inference_id LIKE 'killed-%'");
    await client.end();
    const inDatabase = new Map<string, EndpointState>(
      rows.map((row) => [row.inference_id, { present: true, generation: generationOf(row.inference_id, row.config.task_settings.user)! }]),
    );
    expect(ledger.mismatches(inDatabase)).toEqual([]);

    // Every surviving replica, and one started after the kill (which must open every row), shows exactly that, and
    // calls the provider with each endpoint's secret of the same write.
    const late = await startReplica();
    for (const replica of [...replicas, late]) {
      await waitFor(async () => {
        const all = await jsonRequest('GET', `${replica.url}/_inference/_all`);
        const shown = (all.json.endpoints as any[]).filter((endpoint) => endpoint.inference_id.startsWith('killed-'));
        return JSON.stringify(shown.map((e) => [e.inference_id, e.task_settings.user]).sort()) ===
          JSON.stringify([...inDatabase].map(([id, state]) => [id, state.present ? userOf(id, state.generation) : '']).sort());
      }, 10_000, `the killed replica's writes on ${replica.url}`);
      mock.reset();
      for (const [id, state] of inDatabase) {
        if (!state.present) continue;
        expect((await jsonRequest('POST', `${replica.url}/_inference/completion/${id}`, { input: 'hi' })).status).toBe(200);
        expect(mock.requestsTo('chat').at(-1)?.headers.authorization).toBe(`Bearer ${apiKeyOf(id, state.generation)}`);
      }
    }
    // The survivors still write and see each other's writes.
    expect((await jsonRequest('PUT', `${replicas[0]!.url}/_inference/completion/after-kill`, putBody('sk-after', 'after'))).status).toBe(200);
    await visibleAfter(replicas[1]!, 'after-kill', (status) => status === 200);
    await visibleAfter(late, 'after-kill', (status) => status === 200);
    console.log(`replica killed: SIGKILL after ${acknowledged} acknowledged writes; ${inDatabase.size} of ${ids.length} endpoints present, all whole`);
  });
});
