/**
 * A stream's provider side. Back-pressure: a client that stops reading makes infergate stop reading the provider's
 * body, so that the provider's socket fills and its writes wait — nothing is buffered without bound in between. And a
 * stream that ends well ends the provider's body well too (read to its end, not aborted after `[DONE]`). infergate
 * runs as its own process, so that its resident memory is its own.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnServer, type ChildServer } from '../support/child-server';
import { FloodProvider } from '../support/mock-provider/openai-flood';

const KEY = 'sk-test-valid-key-0123456789abcdef';
// 48 MiB of frames: far more than the socket buffers on either side hold.
const provider = new FloodProvider({ frames: 48 * 1024, pieceBytes: 900 });
let server: ChildServer;
const dataDir = mkdtempSync(path.join(tmpdir(), 'infergate-back-pressure-'));

const residentBytes = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds (or fails after `ms`). */
async function until(what: string, check: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

beforeAll(async () => {
  await provider.listen();
  server = await spawnServer({
    INFERGATE_DATA_DIR: dataDir,
    INFERGATE_MODELS_DIR: path.join(dataDir, 'no-models'),
    INFERGATE_UPSTREAM_ORIGINS: `openai=${provider.url}`,
    INFERGATE_SKIP_VALIDATION: 'true',
    INFERGATE_LOG_LEVEL: 'info',
    INFERGATE_SHUTDOWN_TIMEOUT: '2s',
  });
  const put = await fetch(`${server.url}/_inference/chat_completion/flood`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ service: 'openai', service_settings: { api_key: KEY, model_id: 'gpt-4o-mini' } }),
  });
  expect(put.status).toBe(200);
}, 60_000);

afterAll(async () => {
  await server?.kill('SIGTERM');
  await provider.close();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

/** Starts a stream and resolves with its response once the headers are in (the body not read yet). Its timeout is
 * short: the time its client makes it wait is not the provider's. */
function openStream(): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'flood' }] });
    request(`${server.url}/_inference/chat_completion/flood/_stream?timeout=1s`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, resolve)
      .on('error', reject)
      .end(body);
  });
}

test('a client that stops reading stops the provider; reading again (after longer than the timeout) gets the whole stream', async () => {
  const before = residentBytes(server.pid);
  const response = await openStream();
  expect(response.statusCode).toBe(200);
  response.pause();
  let received = 0;
  let head = '';
  let tail = '';
  response.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (head.length < 4096) head += chunk.toString('utf8');
    tail = (tail + chunk.toString('utf8')).slice(-64);
  });

  // The provider writes until the sockets on the way are full, then waits for a 'drain' that does not come: what it
  // has written stays the same for a second (on a loaded machine infergate may still be working through its socket's
  // buffer for a while before that).
  await until('the provider to block', () => provider.streams[0]?.waitingForDrain === true);
  let written = -1;
  let sameSince = Date.now();
  await until('the provider to stay blocked for a second', () => {
    const { writtenBytes } = provider.streams[0];
    if (writtenBytes !== written) [written, sameSince] = [writtenBytes, Date.now()];
    return Date.now() - sameSince >= 1000;
  });
  await sleep(1000);
  const stream = provider.streams[0];
  expect(stream.waitingForDrain).toBe(true);
  expect(stream.writtenBytes).toBe(written);
  // What is in flight is what the sockets and streams on the way hold, a small part of the stream.
  expect(written).toBeLessThan(provider.streamBytes / 3);
  const heldWhilePaused = residentBytes(server.pid) - before;
  expect(heldWhilePaused).toBeLessThan(24 * 1024 * 1024);

  response.resume();
  // From here on, read as a slow client: pausing now and then, so that infergate waits for 'drain' many times.
  const slowly = setInterval(() => {
    response.pause();
    setTimeout(() => response.resume(), 5);
  }, 20);
  await new Promise((resolve) => response.once('end', resolve));
  clearInterval(slowly);
  expect(stream.finished).toBe(true);
  expect(stream.blockedWrites).toBeGreaterThan(0);
  // Every chunk came through, each as the same event, then `[DONE]`.
  const done = '\uFEFFevent: message\ndata: [DONE]\n\n';
  expect(tail.endsWith(done)).toBe(true);
  const first = head.slice(0, head.indexOf('\n\n') + 2);
  expect(JSON.parse(first.slice(first.indexOf('data: ') + 6)).choices[0].delta.content).toBe('x'.repeat(900));
  expect(received).toBe(provider.frames * Buffer.byteLength(first) + Buffer.byteLength(done));
  // Many waits for 'drain' leave no listener behind (Node warns past ten on one emitter).
  expect(server.output()).not.toMatch(/MaxListenersExceededWarning/);
  console.log(`back-pressure: provider blocked after ${(written / 2 ** 20).toFixed(1)} MiB of ${(provider.streamBytes / 2 ** 20).toFixed(1)} MiB; infergate RSS +${(heldWhilePaused / 2 ** 20).toFixed(1)} MiB while paused`);
}, 120_000);

test("a stream that ends well lets the provider's body end too: not cut off after [DONE], and the client not kept waiting for it", async () => {
  Object.assign(provider.options, { frames: 3, pieceBytes: 8, holdAfterDoneMs: 1000 });
  const already = provider.streams.length;
  const answer = await fetch(`${server.url}/_inference/chat_completion/flood/_stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'short' }] }),
  });
  const text = await answer.text();
  const stream = provider.streams[already];
  expect(text.endsWith('\uFEFFevent: message\ndata: [DONE]\n\n')).toBe(true);
  expect(text.split('event: message').length - 1).toBe(4);
  // The client has its whole answer while the provider still holds its body open...
  expect(stream.endedCleanly).toBe(false);
  // ...which infergate reads to its end rather than aborting it.
  await until('the provider to end its body', () => stream.endedCleanly || stream.cutOff, 10_000);
  expect(stream.cutOff).toBe(false);
  expect(stream.endedCleanly).toBe(true);
}, 30_000);
