/** The SQLite file every store of the server keeps its table in (better-sqlite3). The data directory and the
 * files are readable by the owner only; every acknowledged write survives a crash or power loss. */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export type SqliteDatabase = Database.Database;

export const DATABASE_FILE = 'endpoints.sqlite';

export function openDatabase(dataDir: string): SqliteDatabase {
  if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  const file = path.join(dataDir, DATABASE_FILE);
  const db = new Database(file);
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) chmodSync(file + suffix, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // Deleted and overwritten content (old sealed secrets among it) is zeroed, not left in free pages.
  db.pragma('secure_delete = ON');
  return db;
}
