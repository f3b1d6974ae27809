/**
 * The core of every mock provider: a real HTTP server on loopback that records each request, answers through the
 * routes of one provider's wire, and plays queued faults — a status with the provider's own error body,
 * `Retry-After`, a malformed or empty body, a delay, a request never answered, a dropped connection, a stream that
 * stops, goes silent or ends with the provider's in-stream error. A service's mock is its routes and bodies.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names, as Node gives them. */
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the fields of a urlencoded form; undefined if empty or unparseable. */
  body: JsonValue | undefined;
  rawBody: string;
  /** The route that served it (undefined: none matched). */
  route?: string;
  /** `Date.now()` once the body was fully received. */
  receivedAt: number;
}

export type StatusFault = { kind: 'status'; status: number; body?: JsonValue; headers?: Record<string, string> };
export type StreamFault = { kind: 'streamThenSilence' | 'streamThenDrop' | 'streamError'; chunks: number; message?: string };
/** Not faults but scripted answers, read by the routes that understand them (chat). */
export type ScriptedStep = { kind: 'reply'; text: string } | { kind: 'toolCall'; name?: string; arguments?: string };

export type MockFault =
  | StatusFault
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'empty' }
  | { kind: 'wrongShape' }
  | { kind: 'dropConnection' }
  | StreamFault
  | ScriptedStep;

/** The faults and steps a route plays itself, once it knows what it answers. */
type RouteStep = StreamFault | ScriptedStep;
const ROUTE_STEPS: ReadonlySet<string> = new Set(['streamThenSilence', 'streamThenDrop', 'streamError', 'reply', 'toolCall']);
const isRouteStep = (fault: MockFault): fault is RouteStep => ROUTE_STEPS.has(fault.kind);
export const isStreamFault = (step: RouteStep | undefined): step is StreamFault =>
  step !== undefined && step.kind !== 'reply' && step.kind !== 'toolCall';

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** Aborts when the connection closes. */
  signal: AbortSignal;
  recorded: RecordedRequest;
  /** The queued stream fault or scripted step for this request, for the route to play. */
  step?: RouteStep;
}

export interface MockRoute {
  name: string;
  matches(method: string, path: string): boolean;
  /** A route may take a step of these kinds only (a fault queued for another route is a test bug). */
  takesSteps?: boolean;
  handle(exchange: Exchange): void | Promise<void>;
  /** A 200 body lacking the fields the route answers with. */
  wrongShape: JsonValue;
}

export interface MockWire {
  /** The provider's body for an error status, e.g. OpenAI's `{"error":{"message",...}}`. */
  errorBody(status: number, exchange: Exchange): JsonValue;
  /** Headers it sends with an error status (OpenAI's `x-ratelimit-*` on a 429). */
  errorHeaders?(status: number): Record<string, string>;
  /** The bytes that end a stream with the provider's in-stream error (binary for AWS's event streams). */
  streamErrorFrame(message: string): string | Uint8Array;
  /** The answer to a request no route matches. */
  unknownRoute(method: string, path: string): { status: number; body: JsonValue };
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const randomId = (length: number): string => Array.from(randomBytes(length), (b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join('');

/** Resolves after `ms`, or as soon as `signal` aborts; callers check `signal.aborted` afterwards. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

const untilAborted = (signal: AbortSignal) => sleep(2 ** 31 - 1, signal);

function parseBody(raw: string, contentType: string | undefined): JsonValue | undefined {
  if (raw === '') return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw) as JsonValue;
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer);
  } catch {
    return undefined; // the client went away mid-body
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function send(res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'x-request-id': `req_${randomId(32)}`, 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function sendJson(res: ServerResponse, status: number, body: JsonValue, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
}

export interface StreamOptions {
  /** How many of `frames` a stream fault keeps before it strikes, given the fault's `chunks`. */
  keptByFault?: (chunks: number) => number;
  contentType?: string;
  /** Delay before each frame. */
  frameDelayMs?: number;
}

export class MockProvider {
  url = '';
  /** Delay before each streamed frame, for every route (cleared by `reset()`). */
  frameDelayMs = 0;
  /** Delay before every answer, as a remote provider's round trip (cleared by `reset()`). */
  answerDelayMs = 0;
  readonly requests: RecordedRequest[] = [];
  private readonly faults = new Map<string, MockFault[]>();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly inFlight = new Set<AbortController>();
  /** Responses the mock itself cut off (dropConnection, streamThenDrop): not client aborts. */
  private readonly droppedByMock = new WeakSet<ServerResponse>();
  private abortWaiters: Array<() => void> = [];
  private aborted = 0;
  private streaming = 0;
  private closing: Promise<void> | undefined;

  constructor(
    readonly name: string,
    private readonly routes: readonly MockRoute[],
    private readonly wire: MockWire,
  ) {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens on loopback, on `port` (default: any free one). */
  async listen(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get abortedRequests(): number {
    return this.aborted;
  }

  /** Streams currently being written. */
  activeStreams(): number {
    return this.streaming;
  }

  requestsTo(route: string): RecordedRequest[] {
    return this.requests.filter((request) => request.route === route);
  }

  /** Queue a fault (or scripted answer) for the next request to `route`; consumed one per request, in order. */
  enqueueFault(route: string, fault: MockFault): void {
    const target = this.routes.find((candidate) => candidate.name === route);
    if (!target) throw new Error(`mock ${this.name}: no route '${route}'`);
    if (isRouteStep(fault) && !target.takesSteps) throw new Error(`mock ${this.name}: '${fault.kind}' does not apply to the '${route}' route`);
    this.faults.set(route, [...(this.faults.get(route) ?? []), fault]);
  }

  pendingFaults(route: string): number {
    return this.faults.get(route)?.length ?? 0;
  }

  /** Resolves once `abortedRequests >= count`; rejects after `timeoutMs`. */
  waitForAbortedRequests(count: number, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.aborted < count) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      const timer = setTimeout(() => {
        this.abortWaiters = this.abortWaiters.filter((w) => w !== waiter);
        reject(new Error(`mock ${this.name}: ${this.aborted} aborted request(s) after ${timeoutMs}ms, expected ${count}`));
      }, timeoutMs);
      const waiter = () => {
        if (check()) this.abortWaiters = this.abortWaiters.filter((w) => w !== waiter);
      };
      if (!check()) this.abortWaiters.push(waiter);
    });
  }

  /** Clear requests, queued faults and the abort counter. */
  reset(): void {
    this.requests.length = 0;
    this.faults.clear();
    this.aborted = 0;
    this.frameDelayMs = 0;
    this.answerDelayMs = 0;
  }

  /** Close the server, destroying open sockets (hanging and streaming requests included). */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const controller of this.inFlight) controller.abort();
      this.server.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
    });
    return this.closing;
  }

  /** Writes an event stream of ready-made frames (text, or the bytes of a binary framing); a stream fault of the
   * exchange cuts it short and then strikes. */
  async writeStream(exchange: Exchange, frames: ReadonlyArray<string | Uint8Array>, options: StreamOptions = {}): Promise<void> {
    const { res, signal } = exchange;
    const fault = isStreamFault(exchange.step) ? exchange.step : undefined;
    const kept = fault ? frames.slice(0, options.keptByFault?.(fault.chunks) ?? fault.chunks) : frames;
    this.streaming++;
    try {
      res.writeHead(200, { 'content-type': options.contentType ?? 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': `req_${randomId(32)}` });
      res.flushHeaders();
      const delay = options.frameDelayMs || this.frameDelayMs;
      for (const frame of kept) {
        if (delay) await sleep(delay, signal);
        if (signal.aborted) return;
        res.write(frame);
      }
      if (!fault) return void res.end();
      if (fault.kind === 'streamThenSilence') return await untilAborted(signal);
      if (fault.kind === 'streamThenDrop') return this.drop(res);
      res.end(this.wire.streamErrorFrame(fault.message ?? 'The server had an error while processing your request. Sorry about that!'));
    } finally {
      this.streaming--;
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const signal = this.trackExchange(res);
    res.on('error', () => undefined);
    const rawBody = await readBody(req);
    if (rawBody === undefined || signal.aborted) return;
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://mock');
    const route = this.routes.find((candidate) => candidate.matches(method, url.pathname));
    const recorded: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: parseBody(rawBody, req.headers['content-type']),
      rawBody,
      route: route?.name,
      receivedAt: Date.now(),
    };
    this.requests.push(recorded);
    try {
      if (!route) {
        const { status, body } = this.wire.unknownRoute(method, url.pathname);
        return sendJson(res, status, body);
      }
      await this.serve(route, { req, res, signal, recorded });
    } catch (error) {
      sendJson(res, 500, { error: { message: `mock ${this.name} internal error: ${String(error)}`, type: 'server_error' } });
    }
  }

  private async serve(route: MockRoute, exchange: Exchange): Promise<void> {
    if (this.answerDelayMs) {
      await sleep(this.answerDelayMs, exchange.signal);
      if (exchange.signal.aborted) return;
    }
    const fault = this.faults.get(route.name)?.shift();
    if (fault?.kind === 'delay') {
      await sleep(fault.ms, exchange.signal);
      if (exchange.signal.aborted) return;
    } else if (fault && isRouteStep(fault)) {
      exchange.step = fault;
    } else if (fault) {
      return this.playFault(route, exchange, fault);
    }
    await route.handle(exchange);
  }

  private playFault(route: MockRoute, exchange: Exchange, fault: Exclude<MockFault, RouteStep | { kind: 'delay' }>): Promise<void> | void {
    const { res, signal } = exchange;
    switch (fault.kind) {
      case 'status': {
        const headers = { ...this.wire.errorHeaders?.(fault.status), ...fault.headers };
        if (typeof fault.body === 'string') return send(res, fault.status, fault.body, { 'content-type': 'text/plain; charset=utf-8', ...headers });
        return sendJson(res, fault.status, fault.body ?? this.wire.errorBody(fault.status, exchange), headers);
      }
      case 'hang':
        return untilAborted(signal);
      case 'malformed':
        return send(res, 200, '{"object":"list","data":[{"object":"embed', { 'content-type': 'application/json' });
      case 'empty':
        return send(res, 200, '', { 'content-type': 'application/json' });
      case 'wrongShape':
        return sendJson(res, 200, route.wrongShape);
      case 'dropConnection':
        return this.drop(res);
    }
  }

  private drop(res: ServerResponse): void {
    this.droppedByMock.add(res);
    res.socket?.destroy();
  }

  /** Wires the abort signal and the client-abort counter to the response's lifetime. */
  private trackExchange(res: ServerResponse): AbortSignal {
    const controller = new AbortController();
    this.inFlight.add(controller);
    res.on('close', () => {
      this.inFlight.delete(controller);
      controller.abort();
      if (!res.writableFinished && !this.droppedByMock.has(res) && !this.closing) {
        this.aborted++;
        for (const waiter of [...this.abortWaiters]) waiter();
      }
    });
    return controller.signal;
  }
}
