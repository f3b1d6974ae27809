/** A dedicated connection that LISTENs on one channel. Notifications sent while it is down are lost, so after every
 * (re)connect `onConnected` runs (the store reloads then); a dropped connection is retried with a growing delay. */
import pg from 'pg';
import type { Logger } from '../logger';
import { redactError } from './postgres-pool';

export interface ListenerOptions {
  url: string;
  channel: string;
  logger: Logger;
  onNotification(payload: string): void;
  /** After LISTEN is in place, at the first connect and every reconnect. */
  onConnected(reconnect: boolean): Promise<void>;
  retryMinMs?: number;
  retryMaxMs?: number;
}

export class PostgresListener {
  private client: pg.Client | undefined;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(private readonly options: ListenerOptions) {}

  /** The first connection: its failure is the caller's (the server does not start). */
  async start(): Promise<void> {
    await this.connect(false);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(reconnect: boolean): Promise<void> {
    const { url, channel, logger } = this.options;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, keepAlive: true });
    client.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) this.options.onNotification(message.payload);
    });
    client.on('error', (error) => logger.warn({ err: redactError(error, url).message }, 'PostgreSQL LISTEN connection failed'));
    client.on('end', () => this.dropped(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw redactError(error, url);
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
    try {
      await this.options.onConnected(reconnect);
    } catch (error) {
      this.client = undefined;
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  private dropped(client: pg.Client): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    this.options.logger.warn('PostgreSQL LISTEN connection lost: reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const { retryMinMs = 100, retryMaxMs = 5_000 } = this.options;
    const delay = Math.min(retryMaxMs, retryMinMs * 2 ** this.failures);
    this.failures += 1;
    this.retryTimer = setTimeout(() => {
      this.connect(true).catch((error: Error) => {
        this.options.logger.warn({ err: error.message }, 'PostgreSQL LISTEN reconnect failed');
        if (!this.closed) this.scheduleReconnect();
      });
    }, delay);
    this.retryTimer.unref();
  }
}
