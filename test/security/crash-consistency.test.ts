/** Crash consistency: infergate runs as a child process and is killed with SIGKILL while concurrent PUT, _update
 * and DELETE requests are under way, then restarted on the same data directory, several rounds. After each restart
 * every acknowledged write is there with its latest acknowledged settings and secret (the api_key the mock then
 * receives), every acknowledged DELETE is gone, the database passes an integrity check, and in-flight writes landed
 * whole or not at all. CRASH_TEST_REPORT=1 prints each round's numbers. */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DATABASE_FILE } from '../../server/store/database';
import { startMockOpenAi, type MockOpenAi } from '../providers/openai/mock-openai';
import { killSpawnedServers, spawnServer } from '../support/child-server';
import { ABSENT, EndpointLedger, apiKeyOf, generationOf, userOf, type EndpointState, type LedgerEntry } from '../support/endpoint-ledger';
import { jsonRequest } from '../support/one-shot-http';

const ROUNDS = 4;
const WORKERS = 6;
const IDS_PER_WORKER = 4;
const PREFIX = 'crash-';

let mock: MockOpenAi;
let dataDir: string;

beforeAll(async () => {
  mock = await startMockOpenAi({ acceptAnyKey: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'infergate-crash-'));
});
afterAll(async () => {
  await killSpawnedServers();
  await mock?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const start = () =>
  spawnServer({
    INFERGATE_DATA_DIR: dataDir,
    INFERGATE_UPSTREAM_ORIGINS: `openai=${mock.url}`,
    INFERGATE_MODELS_DIR: path.join(dataDir, 'no-models'),
    INFERGATE_SHUTDOWN_TIMEOUT: '2s',
    // PUT stores the endpoint without a call to the provider: the writes need no upstream, only the checks do.
    INFERGATE_SKIP_VALIDATION: 'true',
    INFERGATE_LOG_LEVEL: 'info',
  });

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];

interface Round {
  acknowledged: number;
  failures: string[];
}

/** One write on one of the worker's ids; false once the server is gone. */
async function writeOnce(url: string, ledger: EndpointLedger, entry: LedgerEntry, round: Round): Promise<boolean> {
  const generation = ledger.nextGeneration();
  const settings = { api_key: apiKeyOf(entry.id, generation) };
  const task = { user: userOf(entry.id, generation) };
  const op = !entry.confirmed.present ? 'PUT' : Math.random() < 0.6 ? '_update' : 'DELETE';
  entry.pending = op === 'DELETE' ? ABSENT : { present: true, generation };
  let response;
  try {
    if (op === 'PUT') {
      const body = { service: 'openai', service_settings: { ...settings, model_id: 'gpt-4o-mini' }, task_settings: task };
      response = await jsonRequest('PUT', `${url}/_inference/completion/${entry.id}`, body);
    } else if (op === '_update') {
      response = await jsonRequest('PUT', `${url}/_inference/${entry.id}/_update`, { service_settings: settings, task_settings: task });
    } else {
      response = await jsonRequest('DELETE', `${url}/_inference/${entry.id}`);
    }
  } catch {
    return false; // no (whole) answer: the write stays in flight
  }
  if (response.status !== 200) {
    round.failures.push(`${op} ${entry.id}: ${response.status} ${response.text}`);
    return false;
  }
  entry.confirmed = entry.pending;
  entry.pending = undefined;
  round.acknowledged++;
  return true;
}

async function worker(url: string, ledger: EndpointLedger, entries: LedgerEntry[], round: Round): Promise<void> {
  while (await writeOnce(url, ledger, pick(entries), round));
}

/** Resolves once `round.acknowledged` reaches `count`; rejects after `timeoutMs`. */
async function acknowledgedReach(round: Round, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (round.acknowledged < count && round.failures.length === 0) {
    if (Date.now() > deadline) throw new Error(`only ${round.acknowledged} writes acknowledged in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** The state of every crash-* endpoint, as GET /_inference/_all shows it. */
async function storedStates(url: string): Promise<Map<string, EndpointState>> {
  const response = await jsonRequest('GET', `${url}/_inference/_all`);
  expect(response.status).toBe(200);
  expect(response.text).not.toContain('sk-crash-');
  const states = new Map<string, EndpointState>();
  for (const endpoint of response.json.endpoints as Array<Record<string, any>>) {
    const id = String(endpoint.inference_id);
    if (!id.startsWith(PREFIX)) continue;
    const generation = generationOf(id, endpoint.task_settings?.user);
    if (generation === undefined) throw new Error(`${id} holds a user setting of no write: ${JSON.stringify(endpoint)}`);
    expect({ id, service: endpoint.service, task_type: endpoint.task_type, model_id: endpoint.service_settings?.model_id }).toEqual({
      id,
      service: 'openai',
      task_type: 'completion',
      model_id: 'gpt-4o-mini',
    });
    states.set(id, { present: true, generation });
  }
  return states;
}

/** Each present endpoint calls the mock with the api_key of the same write as its settings (its `user`). */
async function secretsMatch(url: string, states: Map<string, EndpointState>): Promise<string[]> {
  mock.reset();
  const present = [...states].flatMap(([id, state]) => (state.present ? [{ id, generation: state.generation }] : []));
  const statuses = await Promise.all(
    present.map(({ id }) => jsonRequest('POST', `${url}/_inference/completion/${id}`, { input: 'hello' }).then((response) => response.status)),
  );
  const sent = mock.requestsTo('chat');
  return present.flatMap(({ id, generation }, n) => {
    const request = sent.find((candidate) => (candidate.body as { user?: unknown } | undefined)?.user === userOf(id, generation));
    const authorization = request?.headers.authorization;
    if (statuses[n] === 200 && authorization === `Bearer ${apiKeyOf(id, generation)}`) return [];
    return [`${id}: status ${statuses[n]}, authorization ${authorization ? 'of another write' : 'missing'}`];
  });
}

/** PRAGMA integrity_check on a copy of the files a killed server left (the original stays for the server to recover). */
function integrityOfCopy(): string {
  const copy = mkdtempSync(path.join(tmpdir(), 'infergate-crash-copy-'));
  try {
    for (const suffix of ['', '-wal', '-shm']) {
      const file = path.join(dataDir, DATABASE_FILE + suffix);
      if (existsSync(file)) copyFileSync(file, path.join(copy, DATABASE_FILE + suffix));
    }
    const db = new Database(path.join(copy, DATABASE_FILE));
    try {
      return String(db.pragma('integrity_check', { simple: true }));
    } finally {
      db.close();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

test('acknowledged writes survive SIGKILL in the middle of concurrent writes, round after round', async () => {
  const ids = Array.from({ length: WORKERS * IDS_PER_WORKER }, (_, n) => `${PREFIX}${n}`);
  const ledger = new EndpointLedger(ids);
  const report: string[] = [];
  let child = await start();

  for (let number = 1; number <= ROUNDS; number++) {
    const round: Round = { acknowledged: 0, failures: [] };
    const began = Date.now();
    const workers = Array.from({ length: WORKERS }, (_, w) =>
      worker(child.url, ledger, ledger.entries.slice(w * IDS_PER_WORKER, (w + 1) * IDS_PER_WORKER), round),
    );
    // A random-ish moment: after 30 to 89 acknowledged writes and a few milliseconds more.
    await acknowledgedReach(round, 30 + Math.floor(Math.random() * 60), 20_000);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 10));
    const wrote = Date.now();
    const exit = await child.kill('SIGKILL');
    expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
    await Promise.all(workers);
    expect(round.failures).toEqual([]);
    const inFlight = ledger.entries.filter((entry) => entry.pending).length;
    expect(integrityOfCopy()).toBe('ok');

    const restarting = Date.now();
    child = await start();
    const restarted = Date.now();
    const states = await storedStates(child.url);
    expect(ledger.mismatches(states)).toEqual([]);
    expect(await secretsMatch(child.url, states)).toEqual([]);
    const { landed } = ledger.settle(states);
    report.push(
      `round ${number}: ${round.acknowledged} acknowledged, ${ids.length} ids checked (${states.size} present), ` +
        `${inFlight} in flight at the kill (${landed} landed); ms: writes ${wrote - began}, ` +
        `restart ${restarted - restarting}, checks ${Date.now() - restarted}`,
    );
  }

  const stopped = await child.kill('SIGTERM');
  expect(stopped).toEqual({ code: 0, signal: null });
  if (process.env.CRASH_TEST_REPORT) console.log(report.join('\n'));
}, 120_000);
