/** The password hash of the reserved `elastic` user, in the `reserved_users` table (as Elasticsearch keeps it in its
 * security index). */
import type { SqliteDatabase } from './database';

export class ReservedUsersStore {
  constructor(private readonly db: SqliteDatabase) {
    db.exec('CREATE TABLE IF NOT EXISTS reserved_users (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL)');
  }

  passwordHash(username: string): string | undefined {
    const row = this.db.prepare('SELECT password_hash FROM reserved_users WHERE username = ?').get(username) as { password_hash: string } | undefined;
    return row?.password_hash;
  }

  setPasswordHash(username: string, hash: string): void {
    this.db.prepare('INSERT OR REPLACE INTO reserved_users (username, password_hash) VALUES (?, ?)').run(username, hash);
  }
}
