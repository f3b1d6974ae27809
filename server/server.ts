/** Starts and stops infergate: the store, the app, the HTTP listener and graceful shutdown. */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { DestinationStream } from 'pino';
import { createApp, type AppOptions } from './app';
import type { Config } from './config';
import type { BodyBudget } from './http/body-budget';
import { timerDelay } from './http/timer-delay';
import { createLogger, type Logger } from './logger';
import { openDatabase } from './store/database';
import { removePidFile, writePidFile } from './security/key-rotation';

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  logger: Logger;
  bodyBudget: BodyBudget;
  /** Stops accepting connections, lets in-flight requests and streams finish (up to the shutdown timeout). */
  stop(): Promise<void>;
}

function checkingInterval(config: Config): number {
  const shortest = Math.min(...[config.headersTimeoutMs, config.requestTimeoutMs].filter((ms) => ms > 0));
  return Number.isFinite(shortest) ? Math.min(1000, Math.max(50, Math.floor(shortest / 4))) : 1000;
}

export async function startServer(config: Config, logDestination?: DestinationStream, options: AppOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, logDestination);
  const database = openDatabase(config.dataDir);
  let built: Awaited<ReturnType<typeof createApp>>;
  try {
    built = await createApp(config, database, logger, options);
  } catch (error) {
    database.close();
    throw error;
  }
  const { app, close, bodyBudget } = built;
  // `npm run keys -- rotate` refuses to run under a live server.
  writePidFile(config.dataDir);
  const server = createServer(
    {
      headersTimeout: Math.ceil(config.headersTimeoutMs),
      // Node's requestTimeout covers receiving the request only: long inference calls and streams are not cut.
      requestTimeout: Math.ceil(config.requestTimeoutMs),
      keepAliveTimeout: Math.ceil(timerDelay(config.keepAliveTimeoutMs)),
      // How often expired header and request timers are looked for; Node's default (30s) would let a 1s timeout run 30s.
      connectionsCheckingInterval: checkingInterval(config),
    },
    app,
  );
  server.maxConnections = config.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  logger.info({ port, host: config.host, dataDir: config.dataDir }, 'infergate listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('shutting down: waiting for in-flight requests');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections become idle as their last response ends: close each as soon as it is.
      server.closeIdleConnections();
      const sweeper = setInterval(() => server.closeIdleConnections(), 50);
      const forced = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      await closed;
      clearInterval(sweeper);
      clearTimeout(forced);
      await close();
      database.close();
      removePidFile(config.dataDir);
      logger.info('stopped');
    })());
  return { url: `http://${host}:${port}`, port, server, logger, bodyBudget, stop };
}
