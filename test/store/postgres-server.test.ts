/** The test PostgreSQL server the replica tests stand on: it starts on loopback, answers queries, and stops. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { postgresBin, startPostgres, type TestPostgres } from '../support/postgres-server';

const available = postgresBin() !== undefined;
if (!available && process.env.CI === 'true') throw new Error('CI=true but no PostgreSQL binaries (apt-get install postgresql)');
if (!available) console.warn('postgres-server: no PostgreSQL binaries under /usr/lib/postgresql (apt-get install postgresql, or set INFERGATE_POSTGRES_BIN): skipped');

(available ? describe : describe.skip)('a test PostgreSQL server', () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startPostgres();
  }, 120_000);
  afterAll(() => postgres?.stop());

  const psql = (sql: string): string =>
    execFileSync(path.join(postgres.bin, 'psql'), ['-X', '-q', '-A', '-t', '-d', postgres.url, '-c', sql], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

  it('listens on loopback and keeps what is written', () => {
    expect(postgres.url).toMatch(/^postgres:\/\/infergate@127\.0\.0\.1:\d+\/postgres$/);
    psql('CREATE TABLE probe (id text PRIMARY KEY)');
    expect(psql("INSERT INTO probe VALUES ('a') ON CONFLICT DO NOTHING RETURNING id")).toBe('a');
    expect(psql("INSERT INTO probe VALUES ('a') ON CONFLICT DO NOTHING RETURNING id")).toBe('');
    expect(psql('SELECT count(*) FROM probe')).toBe('1');
  });

  it('stops and is gone', () => {
    postgres.stop();
    expect(() => psql('SELECT 1')).toThrow();
  });
});
