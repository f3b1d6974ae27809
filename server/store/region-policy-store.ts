/** The region policy (one document, as Elasticsearch keeps `region_policy_elastic`) in the `region_policy` table. */
import type { SqliteDatabase } from './database';

export interface CspRegion {
  csp: string;
  region: string;
}

export interface RegionPolicy {
  allowed_geos?: string[];
  allowed_regions?: CspRegion[];
  fallback_region?: CspRegion;
}

/** The stored document, in the field names Elasticsearch answers with. */
export interface RegionPolicyDoc {
  region_policy: RegionPolicy;
  created_at: string;
  created_by?: string;
  updated_at?: string;
  updated_by?: string;
}

const DOCUMENT_ID = 'region_policy_elastic';

export class RegionPolicyStore {
  constructor(private readonly db: SqliteDatabase) {
    db.exec('CREATE TABLE IF NOT EXISTS region_policy (id TEXT PRIMARY KEY, doc TEXT NOT NULL)');
  }

  get(): RegionPolicyDoc | undefined {
    const row = this.db.prepare('SELECT doc FROM region_policy WHERE id = ?').get(DOCUMENT_ID) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as RegionPolicyDoc) : undefined;
  }

  /** Creates or replaces the policy: a replacement keeps who created it and when, and records who replaced it. */
  put(policy: RegionPolicy, username: string | undefined, now = new Date()): RegionPolicyDoc {
    return this.db.transaction(() => {
      const existing = this.get();
      const at = now.toISOString();
      const doc: RegionPolicyDoc = existing
        ? { region_policy: policy, created_at: existing.created_at, created_by: existing.created_by, updated_at: at, updated_by: username }
        : { region_policy: policy, created_at: at, created_by: username };
      this.db.prepare('INSERT OR REPLACE INTO region_policy (id, doc) VALUES (?, ?)').run(DOCUMENT_ID, JSON.stringify(doc));
      return doc;
    })();
  }

  /** Whether there was a policy to delete. */
  delete(): boolean {
    return this.db.prepare('DELETE FROM region_policy WHERE id = ?').run(DOCUMENT_ID).changes > 0;
  }
}
