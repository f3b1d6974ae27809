/** Starts infergate on loopback for a test: a fresh data directory, fast timings, response validation on, and every
 * log line and response body captured so that tests can check that no secret ever leaves the server. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../server/config';
import { startServer, type RunningServer } from '../../server/server';
import type { AppOptions } from '../../server/app';

export interface TestServer {
  url: string;
  config: Config;
  logs: string[];
  /** Every response body the test read through `call`. */
  bodies: string[];
  call(method: string, pathAndQuery: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  restart(): Promise<void>;
  stop(): Promise<void>;
  running: RunningServer;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function startTestServer(overrides: Partial<Config> = {}, options: AppOptions = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? mkdtempSync(path.join(tmpdir(), 'infergate-test-'));
  const config = loadConfig(
    {},
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      logLevel: 'debug',
      validateResponses: true,
      retryInitialDelayMs: 10,
      retryMaxDelayMs: 40,
      retryWindowMs: 2000,
      shutdownTimeoutMs: 2000,
      ...overrides,
    },
  );
  const logs: string[] = [];
  const bodies: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  let running = await startServer(config, sink, options);
  const server: TestServer = {
    get url() {
      return running.url;
    },
    get running() {
      return running;
    },
    config,
    logs,
    bodies,
    async call(method, pathAndQuery, body, headers = {}) {
      const response = await fetch(running.url + pathAndQuery, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      bodies.push(text);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    async restart() {
      await running.stop();
      // Let the test process's fetch see the old server's connections close before it picks one to reuse.
      await new Promise((resolve) => setTimeout(resolve, 200));
      running = await startServer({ ...config, port: running.port }, sink, options);
    },
    async stop() {
      await running.stop();
      if (!overrides.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  } as TestServer;
  return server;
}

/** The Elasticsearch error envelope's reason, for terse assertions. */
export const reasonOf = (response: TestResponse): string | undefined => response.json?.error?.reason;
