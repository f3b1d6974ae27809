/** Bounds on what clients can hold: bytes of bodies in flight (429 circuit_breaking_exception), slow headers and
 * bodies (408 and closed), connections beyond the cap (closed), and a health request that keeps answering while
 * each hostile request is in flight. */
import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { DEFAULT_API_KEY, startMockOpenAi } from '../providers/openai/mock-openai';
import { formatByteSize } from '../../server/http/body-budget';
import { startTestServer, type TestServer } from '../support/server';

const KB = 1024;
const MB = 1024 * KB;
const BUDGET = 1 * MB;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ maxBodiesInFlightBytes: BUDGET, maxBodyBytes: 8 * MB, headersTimeoutMs: 500, requestTimeoutMs: 1000 });
  await server.call('GET', '/');
});
afterAll(async () => server.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An inference body of about `size` bytes. */
const inferenceBody = (size: number) => JSON.stringify({ input: ['x'.repeat(size - 14)] });

async function post(body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await fetch(`${server.url}/_inference/text_embedding/no-such-endpoint`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, json: await response.json() };
}

interface RawExchange {
  socket: Socket;
  /** Everything the server wrote, and how long after connecting the server closed the socket. */
  closed: Promise<{ data: string; ms: number }>;
}

function rawConnection(): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(new URL(server.url).port ? Number(new URL(server.url).port) : 80, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    const closed = new Promise<{ data: string; ms: number }>((done) => socket.once('close', () => done({ data, ms: performance.now() - started })));
    socket.once('error', () => undefined);
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** Headers for a POST whose body is `length` bytes, written by the caller. */
const postHead = (length: number) =>
  `POST /_inference/text_embedding/no-such-endpoint HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

async function budgetDrained(): Promise<void> {
  for (let i = 0; i < 100 && server.running.bodyBudget.inUse > 0; i++) await sleep(20);
  expect(server.running.bodyBudget.inUse).toBe(0);
}

/** Sends a byte every `every` ms until the socket closes. */
function trickle(socket: Socket, every: number): () => void {
  const timer = setInterval(() => (socket.writable ? socket.write(' ') : clearInterval(timer)), every);
  socket.once('close', () => clearInterval(timer));
  return () => clearInterval(timer);
}

describe('bytes of bodies in flight', () => {
  test('sizes are printed as ByteSizeValue prints them: one decimal, cut not rounded', () => {
    expect([512, 1024, 1536, 1126400, 2 * MB - 1, 256 * MB, 3 * 1024 * MB].map(formatByteSize)).toEqual(['512b', '1kb', '1.5kb', '1mb', '1.9mb', '256mb', '3gb']);
  });

  test('a body beyond the budget is a 429 circuit_breaking_exception in Elasticsearch words', async () => {
    const body = inferenceBody(2 * MB);
    const response = await post(body);
    // Counted twice its bytes, as Elasticsearch's in-flight breaker counts a body (its overhead of 2).
    const reason = `[inflight_requests] Data too large, data for [<http_request>] would be [${2 * body.length}/4mb], which is larger than the limit of [${BUDGET}/1mb]`;
    expect(response.status).toBe(429);
    const cause = { type: 'circuit_breaking_exception', reason, bytes_wanted: 2 * body.length, bytes_limit: BUDGET, durability: 'TRANSIENT' };
    expect(response.json).toEqual({ error: { root_cause: [cause], ...cause }, status: 429 });
    await budgetDrained();
    // Released: a body that fits is read and answered as usual.
    const after = await post(inferenceBody(400 * KB));
    expect(after.status).toBe(404);
    expect(after.json.error.type).toBe('resource_not_found_exception');
  });

  test('bodies in flight together share the budget, and a body that stalls is counted until it ends', async () => {
    const held = await rawConnection();
    held.socket.write(postHead(300 * KB) + '{"input":["');
    for (let i = 0; i < 50 && server.running.bodyBudget.inUse === 0; i++) await sleep(20);
    expect(server.running.bodyBudget.inUse).toBe(300 * KB);
    const second = await post(inferenceBody(250 * KB));
    expect(second.status).toBe(429);
    expect(second.json.error.bytes_wanted).toBe(2 * (300 + 250) * KB);
    expect(second.json.error.reason).toContain('would be [1126400/1mb]');
    // The client goes away mid-body: its reservation is returned.
    held.socket.destroy();
    await budgetDrained();
    expect((await post(inferenceBody(250 * KB))).status).toBe(404);
  });

  test('a chunked body is counted as it arrives', async () => {
    const chunk = Buffer.alloc(64 * KB, 0x20);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 3 * MB) return controller.close();
        sent += chunk.length;
        controller.enqueue(sent === chunk.length ? Buffer.from('[' + ' '.repeat(chunk.length - 1)) : chunk);
      },
    });
    const response = await fetch(`${server.url}/_inference/text_embedding/no-such-endpoint`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const json = (await response.json()) as { error: { type: string; bytes_wanted: number; bytes_limit: number } };
    expect(response.status).toBe(429);
    expect(response.headers.get('content-length')).not.toBeNull();
    expect(json.error.type).toBe('circuit_breaking_exception');
    expect(json.error.bytes_wanted).toBeGreaterThan(BUDGET);
    expect(json.error.bytes_wanted).toBeLessThanOrEqual(BUDGET + 2 * 64 * KB);
    await budgetDrained();
  });

  test('a compressed body is counted by its decompressed bytes', async () => {
    const response = await post(gzipSync(Buffer.from(inferenceBody(2 * MB))), { 'content-encoding': 'gzip' });
    expect(response.status).toBe(429);
    expect(response.json.error.type).toBe('circuit_breaking_exception');
    await budgetDrained();
  });
});

describe('slow clients', () => {
  test('a body trickling a byte at a time is cut at the request timeout', async () => {
    const { socket, closed } = await rawConnection();
    socket.write(postHead(10_000));
    trickle(socket, 100);
    const { data, ms } = await closed;
    console.log(`trickling body closed after ${Math.round(ms)} ms (request timeout 1000 ms)`);
    expect(data).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(5000);
    await budgetDrained();
  });

  test('headers that never end are cut at the headers timeout', async () => {
    const { socket, closed } = await rawConnection();
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const timer = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
    const { data, ms } = await closed;
    clearInterval(timer);
    console.log(`unfinished headers closed after ${Math.round(ms)} ms (headers timeout 500 ms)`);
    expect(data).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(5000);
  });

  test('the request timeout does not cut a long inference call nor a long stream', async () => {
    const mock = await startMockOpenAi();
    try {
      const settings = (model: string, url: string) => ({ service: 'openai', service_settings: { api_key: DEFAULT_API_KEY, model_id: model, url } });
      expect((await server.call('PUT', '/_inference/text_embedding/slow-emb', settings('text-embedding-3-small', mock.embeddingsUrl))).status).toBe(200);
      expect((await server.call('PUT', '/_inference/completion/slow-cmp', settings('gpt-4o-mini', mock.chatUrl))).status).toBe(200);
      mock.enqueueFault('embeddings', { kind: 'delay', ms: 1500 });
      let started = performance.now();
      const slow = await server.call('POST', '/_inference/text_embedding/slow-emb', { input: ['x'] });
      expect(slow.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThan(1000);
      mock.frameDelayMs = 250;
      started = performance.now();
      const stream = await server.call('POST', '/_inference/completion/slow-cmp/_stream', { input: 'hello' });
      expect(stream.status).toBe(200);
      expect(stream.text).toContain('[DONE]');
      expect(performance.now() - started).toBeGreaterThan(1000);
    } finally {
      await mock.close();
    }
  });
});

describe('connection cap', () => {
  test('connections beyond INFERGATE_MAX_CONNECTIONS are closed; a freed slot is used again', async () => {
    const capped = await startTestServer({ maxConnections: 3 });
    const port = Number(new URL(capped.url).port);
    const open = (): Promise<{ socket: Socket; closed: Promise<string> }> =>
      new Promise((resolve) => {
        const socket = connect(port, '127.0.0.1');
        let data = '';
        socket.on('data', (chunk) => (data += chunk.toString('latin1')));
        socket.once('error', () => undefined);
        const closed = new Promise<string>((done) => socket.once('close', () => done(data)));
        socket.once('connect', () => resolve({ socket, closed }));
      });
    try {
      const held = [await open(), await open(), await open()];
      await sleep(100);
      const extra = await open();
      extra.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      expect(await extra.closed).toBe('');
      held[0].socket.destroy();
      await held[0].closed;
      // The server frees the slot once it has seen the close; on a loaded machine that may take a moment.
      let answer = '';
      for (let attempt = 0; attempt < 20 && answer === ''; attempt++) {
        await sleep(100);
        const again = await open();
        again.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
        answer = await again.closed;
      }
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      for (const { socket } of held) socket.destroy();
    } finally {
      await capped.stop();
    }
  });
});

describe('health while a hostile request is in flight', () => {
  /** Median of three `GET /` timings, taken while `hostile` runs; the target is 100 ms, the assertion tolerant. */
  async function healthWhile(name: string, hostile: () => Promise<unknown>): Promise<void> {
    const pending = hostile().catch(() => undefined);
    await sleep(20);
    const timings: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const health = await fetch(`${server.url}/`);
      await health.arrayBuffer();
      timings.push(performance.now() - started);
      expect(health.status).toBe(200);
    }
    const median = timings.sort((a, b) => a - b)[1];
    console.log(`GET / during ${name}: median ${median.toFixed(1)} ms (target 100 ms)`);
    expect(median).toBeLessThan(1000);
    await pending;
  }

  test('a trickling body', async () => {
    const { socket, closed } = await rawConnection();
    socket.write(postHead(10_000));
    trickle(socket, 50);
    await healthWhile('a trickling body', () => closed);
  });

  test('a huge body', async () => {
    const huge = Buffer.alloc(6 * MB, 0x20);
    await healthWhile('a 6 MB body (over the in-flight budget)', async () => expect((await post(huge)).status).toBe(429));
  });

  test('JSON nested 100k deep', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    await healthWhile('JSON nested 100k deep', async () => expect((await post(deep)).status).toBe(400));
  });

  test('a gzip bomb', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * MB, 0x20));
    await healthWhile('a gzip bomb (64 MB of spaces)', async () => expect((await post(bomb, { 'content-encoding': 'gzip' })).status).toBe(429));
  });
});
