/** API keys in the `api_keys` table of the shared SQLite file. Only a salted SHA-256 of each key is kept: the key is
 * 128 random bits, so a slow password hash would add latency to every request and no safety. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SqliteDatabase } from './database';
import type { Realm } from '../security/principal';
import type { RoleDescriptors } from '../security/roles';

export interface ApiKeyDoc {
  id: string;
  name: string;
  creation: number;
  expiration?: number;
  invalidated: boolean;
  invalidation?: number;
  username: string;
  realm: Realm;
  metadata: Record<string, unknown>;
  role_descriptors: RoleDescriptors;
  limited_by: RoleDescriptors;
  salt: string;
  hash: string;
}

export interface ApiKeyFilter {
  id?: string;
  ids?: string[];
  /** Exact, or with `*` wildcards. */
  name?: string;
  username?: string;
  realmName?: string;
}

const digest = (salt: string, key: string) => createHash('sha256').update(salt).update(key).digest('hex');

export function hashApiKey(key: string): { salt: string; hash: string } {
  const salt = randomBytes(16).toString('hex');
  return { salt, hash: digest(salt, key) };
}

export function apiKeyMatches(doc: Pick<ApiKeyDoc, 'salt' | 'hash'>, key: string): boolean {
  return timingSafeEqual(Buffer.from(digest(doc.salt, key), 'hex'), Buffer.from(doc.hash, 'hex'));
}

export class ApiKeyStore {
  constructor(private readonly db: SqliteDatabase) {
    db.exec('CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, doc TEXT NOT NULL)');
  }

  create(doc: ApiKeyDoc): void {
    this.db.prepare('INSERT INTO api_keys (id, doc) VALUES (?, ?)').run(doc.id, JSON.stringify(doc));
  }

  get(id: string): ApiKeyDoc | undefined {
    const row = this.db.prepare('SELECT doc FROM api_keys WHERE id = ?').get(id) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as ApiKeyDoc) : undefined;
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM api_keys').get() as { n: number }).n;
  }

  /** Keys matching every given filter, oldest first. */
  find(filter: ApiKeyFilter, nameMatches: (pattern: string, name: string) => boolean): ApiKeyDoc[] {
    const rows = this.db.prepare('SELECT doc FROM api_keys ORDER BY rowid').all() as { doc: string }[];
    const ids = filter.ids ?? (filter.id === undefined ? undefined : [filter.id]);
    return rows
      .map((row) => JSON.parse(row.doc) as ApiKeyDoc)
      .filter(
        (doc) =>
          (ids === undefined || ids.includes(doc.id)) &&
          (filter.name === undefined || nameMatches(filter.name, doc.name)) &&
          (filter.username === undefined || doc.username === filter.username) &&
          (filter.realmName === undefined || doc.realm.name === filter.realmName),
      );
  }

  /** Marks the keys invalidated (now); answers which were newly invalidated and which already were. */
  invalidate(docs: readonly ApiKeyDoc[], now = Date.now()): { invalidated: string[]; previously: string[] } {
    const update = this.db.prepare('UPDATE api_keys SET doc = ? WHERE id = ?');
    const result = { invalidated: [] as string[], previously: [] as string[] };
    this.db.transaction(() => {
      for (const doc of docs) {
        if (doc.invalidated) {
          result.previously.push(doc.id);
          continue;
        }
        update.run(JSON.stringify({ ...doc, invalidated: true, invalidation: now }), doc.id);
        result.invalidated.push(doc.id);
      }
    })();
    return result;
  }
}
