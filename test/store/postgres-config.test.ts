/** INFERGATE_DATABASE_URL: refused without a shared encryption key, and its password never in an error or log line
 * (redacted in every form the URL takes). */
import { Writable } from 'node:stream';
import { loadConfig } from '../../server/config';
import { startServer } from '../../server/server';
import { redactDatabaseUrl, redactError } from '../../server/store/postgres-pool';
import { closedPort } from '../support/ports';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const PASSWORD = 'pg-pa55-9f1c3e7a';

test('a database URL without INFERGATE_ENCRYPTION_KEY is refused, saying why', () => {
  expect(() => loadConfig({ INFERGATE_DATABASE_URL: `postgres://infergate:${PASSWORD}@127.0.0.1/db` })).toThrow(
    'INFERGATE_DATABASE_URL needs INFERGATE_ENCRYPTION_KEY: every replica must seal secrets with the same key',
  );
  expect(loadConfig({ INFERGATE_DATABASE_URL: 'postgres://127.0.0.1/db', INFERGATE_ENCRYPTION_KEY: 'k' }).databaseUrl).toBe('postgres://127.0.0.1/db');
  expect(loadConfig({}).databaseUrl).toBeUndefined();
});

test.each([
  [`postgres://infergate:${PASSWORD}@db.example:5432/infergate`, 'postgres://infergate:***@db.example:5432/infergate'],
  [`postgresql://u:${encodeURIComponent('p@ss/w:rd')}@h/db?sslmode=require`, 'postgresql://u:***@h/db?sslmode=require'],
  [`postgres://h/db?password=${PASSWORD}`, 'postgres://h/db?password=***'],
  [`host=h dbname=db password=${PASSWORD} user=u`, 'host=h dbname=db password=*** user=u'],
  ['postgres://h/db', 'postgres://h/db'],
])('redactDatabaseUrl(%s)', (url, redacted) => {
  expect(redactDatabaseUrl(url)).toBe(redacted);
});

test('a driver error quoting the URL or the password comes out without it', () => {
  const url = `postgres://infergate:${PASSWORD}@127.0.0.1:1/db`;
  const error = redactError(new Error(`could not connect to ${url} (password ${PASSWORD})`), url);
  expect(error.message).toBe('could not connect to postgres://infergate:***@127.0.0.1:1/db (password ***)');
});

test('a server whose database cannot be reached refuses to start, naming the database without its password', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'infergate-pg-config-'));
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (logs.push(chunk.toString()), done()) });
  const url = `postgres://infergate:${PASSWORD}@127.0.0.1:${await closedPort()}/db`;
  try {
    const config = loadConfig({}, { port: 0, dataDir, databaseUrl: url, encryptionKey: 'a'.repeat(64) });
    const started = startServer(config, sink);
    await expect(started).rejects.toThrow(/^cannot use the endpoints database \[postgres:\/\/infergate:\*\*\*@127\.0\.0\.1:\d+\/db\]: /);
    const message = await started.catch((error: Error) => error.message);
    expect(message).not.toContain(PASSWORD);
    expect(logs.join('')).not.toContain(PASSWORD);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
