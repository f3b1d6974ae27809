import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createInfergateClient, InfergateError, type InfergateClient, type StreamEvent } from '../../client';
import { LineStartBomStripper } from '../../client/sse';

const BOM = '\uFEFF';
const frame = (event: 'message' | 'error', data: unknown) =>
  `${BOM}event: ${event}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
const DONE_FRAME = frame('message', '[DONE]');
const delta = (text: string) => ({ completion: [{ delta: text }] });
const chunk = (content: string) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  model: 'gpt-4o',
  choices: [{ index: 0, delta: { content } }],
});
const esError = (status: number, type: string, reason: string) => ({
  error: { root_cause: [{ type, reason }], type, reason },
  status,
});
const unifiedError = (code: string, message: string) => ({ error: { code, message, type: 'status_exception' } });

type Route = (res: http.ServerResponse) => Promise<void> | void;

async function writeChunks(res: http.ServerResponse, chunks: (string | Buffer)[]): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const piece of chunks) {
    res.write(piece);
    await sleep(15); // separate writes so they reach the client as separate chunks
  }
  res.end();
}

let endlessStreamClosed: Promise<unknown>;

const routes: Record<string, Route> = {
  '/_inference/completion/batched/_stream': (res) => {
    const split = frame('message', delta('c'));
    return writeChunks(res, [
      frame('message', delta('a')) + frame('message', delta('b')),
      split.slice(0, 20),
      split.slice(20) + DONE_FRAME,
    ]);
  },
  '/_inference/completion/split-bom/_stream': (res) => {
    // Cut inside the three UTF-8 bytes of the second event's BOM.
    const bytes = Buffer.from(frame('message', delta('x')) + frame('message', delta('y')) + DONE_FRAME);
    const cut = Buffer.byteLength(frame('message', delta('x'))) + 2;
    return writeChunks(res, [bytes.subarray(0, cut), bytes.subarray(cut)]);
  },
  '/_inference/completion/fails-midway/_stream': (res) =>
    writeChunks(res, [
      frame('message', delta('partial')),
      frame('error', esError(429, 'status_exception', 'Rate limit reached')),
    ]),
  '/_inference/chat_completion/chat/_stream': (res) =>
    writeChunks(res, [frame('message', chunk('Hel')) + frame('message', chunk('lo')), DONE_FRAME]),
  '/_inference/chat_completion/fails-midway/_stream': (res) =>
    writeChunks(res, [
      frame('message', chunk('Hel')),
      frame('error', unifiedError('service_unavailable', 'Provider down')),
    ]),
  '/_inference/chat_completion/provider-code/_stream': (res) =>
    writeChunks(res, [frame('error', unifiedError('context_length_exceeded', 'Too long'))]),
  '/_inference/chat_completion/missing/_stream': (res) => {
    res.writeHead(404, { 'content-type': 'text/event-stream' });
    res.end(frame('error', unifiedError('not_found', 'Inference endpoint not found [missing]')));
  },
  '/_inference/completion/bad/_stream': (res) => {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify(esError(400, 'action_request_validation_exception', 'Field [input] cannot be empty')));
  },
  '/_inference/completion/truncated/_stream': (res) => writeChunks(res, [frame('message', delta('cut'))]),
  '/_inference/completion/endless/_stream': async (res) => {
    endlessStreamClosed = once(res, 'close');
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    while (!res.destroyed) {
      res.write(frame('message', delta('tick')));
      await sleep(10);
    }
  },
};

let server: http.Server;
let client: InfergateClient;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    const route = routes[new URL(req.url ?? '/', 'http://localhost').pathname];
    if (route) void route(res);
    else res.writeHead(500).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  client = createInfergateClient({ baseUrl: `http://127.0.0.1:${port}` });
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

async function collect<T>(stream: AsyncIterable<StreamEvent<T>>): Promise<T[]> {
  const data: T[] = [];
  for await (const event of stream) data.push(event.data);
  return data;
}

async function collectUntilError<T>(stream: AsyncIterable<StreamEvent<T>>): Promise<{ data: T[]; error: unknown }> {
  const data: T[] = [];
  try {
    for await (const event of stream) data.push(event.data);
  } catch (error) {
    return { data, error };
  }
  throw new Error('the stream ended without an error');
}

describe('LineStartBomStripper', () => {
  it('removes the BOM that starts each line, also when chunks end at a line break', () => {
    const stripper = new LineStartBomStripper();
    const chunks = [
      `${BOM}event: message\ndata: 1\n\n${BOM}eve`,
      'nt: message\ndata: 2\r\n',
      '\r\n',
      `${BOM}data: a${BOM}b\n`,
    ];
    expect(chunks.map((piece) => stripper.strip(piece)).join('')).toBe(
      `event: message\ndata: 1\n\nevent: message\ndata: 2\r\n\r\ndata: a${BOM}b\n`,
    );
  });
});

describe('client event streams', () => {
  it('parses several events per chunk and an event split across chunks, stopping at [DONE]', async () => {
    const events: StreamEvent<unknown>[] = [];
    for await (const event of client.streamCompletion('batched', { input: 'hi' })) events.push(event);
    expect(events).toEqual([
      { event: 'message', data: delta('a') },
      { event: 'message', data: delta('b') },
      { event: 'message', data: delta('c') },
    ]);
  });

  it('parses an event whose BOM is split across chunks', async () => {
    await expect(collect(client.streamCompletion('split-bom', { input: 'hi' }))).resolves.toEqual([
      delta('x'),
      delta('y'),
    ]);
  });

  it('yields chat completion chunks', async () => {
    const chunks = await collect(client.chatCompletionUnified('chat', { messages: [{ role: 'user', content: 'hi' }] }));
    expect(chunks.map((c) => c.choices[0].delta.content).join('')).toBe('Hello');
  });

  it('throws InfergateError with the envelope status on an error event mid-stream', async () => {
    const { data, error } = await collectUntilError(client.streamCompletion('fails-midway', { input: 'hi' }));
    expect(data).toEqual([delta('partial')]);
    expect(error).toBeInstanceOf(InfergateError);
    expect(error).toMatchObject({
      status: 429,
      type: 'status_exception',
      body: esError(429, 'status_exception', 'Rate limit reached'),
    });
  });

  it('maps the code of a unified error event to a status', async () => {
    const { data, error } = await collectUntilError(
      client.chatCompletionUnified('fails-midway', { messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(data).toHaveLength(1);
    expect(error).toMatchObject({ status: 503, body: unifiedError('service_unavailable', 'Provider down') });
  });

  it('uses 500 for a unified error event whose code is not a status name', async () => {
    const { error } = await collectUntilError(
      client.chatCompletionUnified('provider-code', { messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(error).toMatchObject({ status: 500, body: unifiedError('context_length_exceeded', 'Too long') });
  });

  it('throws InfergateError for a pre-stream error sent as an SSE error frame', async () => {
    const { data, error } = await collectUntilError(
      client.chatCompletionUnified('missing', { messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(data).toEqual([]);
    expect(error).toBeInstanceOf(InfergateError);
    expect(error).toMatchObject({
      status: 404,
      body: unifiedError('not_found', 'Inference endpoint not found [missing]'),
    });
  });

  it('throws InfergateError for a pre-stream JSON error envelope', async () => {
    const { error } = await collectUntilError(client.streamCompletion('bad', { input: '' }));
    expect(error).toBeInstanceOf(InfergateError);
    expect(error).toMatchObject({
      status: 400,
      type: 'action_request_validation_exception',
      message: '[400] action_request_validation_exception: Field [input] cannot be empty',
    });
  });

  it('throws when the stream ends without [DONE]', async () => {
    const { data, error } = await collectUntilError(client.streamCompletion('truncated', { input: 'hi' }));
    expect(data).toEqual([delta('cut')]);
    expect(error).toEqual(new Error('The event stream ended before [DONE]'));
  });

  it('aborts the request when the consumer leaves the loop', async () => {
    let received = 0;
    for await (const event of client.streamCompletion('endless', { input: 'hi' })) {
      expect(event.data).toEqual(delta('tick'));
      if (++received === 3) break;
    }
    await endlessStreamClosed;
  });

  it('aborts the request when the caller aborts its signal', async () => {
    const controller = new AbortController();
    const stream = client.streamCompletion('endless', { input: 'hi' }, { signal: controller.signal });
    const consumed = collect(stream);
    await sleep(50);
    controller.abort();
    await expect(consumed).rejects.toMatchObject({ name: 'AbortError' });
    await endlessStreamClosed;
  });
});
