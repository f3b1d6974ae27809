/** Turns an `Authorization` header into a Principal: API keys from the store, the reserved `elastic` user, and the
 * file realm's users. Refusals are Elasticsearch's 401s. */
import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { ApiKeyStore, apiKeyMatches } from '../store/api-key-store';
import type { ReservedUsersStore } from '../store/reserved-users-store';
import { apiKeyRefused, missingCredentials, wrongPassword } from './auth-errors';
import { readCredentials } from './credentials';
import type { FileUser } from './file-realm';
import { FILE_REALM, RESERVED_REALM, apiKeyPrincipal, userPrincipal, type Principal } from './principal';

export const ELASTIC_USER = 'elastic';

/** Compared against when the user does not exist, so that a missing user costs what a wrong password costs. */
let dummyHash: string | undefined;
const dummy = () => (dummyHash ??= bcrypt.hashSync('not a password', 10));

/** Successful password checks are remembered (as Elasticsearch's realm cache does) so that bcrypt runs once, not
 * on every request: keyed by a hash of user and password, never the password. */
const CACHE_TTL_MS = 20 * 60_000;
const CACHE_MAX = 1000;

export interface AuthenticationSources {
  fileUsers: ReadonlyMap<string, FileUser>;
  reserved: ReservedUsersStore;
  apiKeys: ApiKeyStore;
  now?: () => number;
}

export class Authenticator {
  private readonly cache = new Map<string, { principal: Principal; expires: number }>();
  private readonly now: () => number;

  constructor(private readonly sources: AuthenticationSources) {
    this.now = sources.now ?? Date.now;
  }

  async authenticate(header: string | undefined, uri: string): Promise<Principal> {
    const credentials = readCredentials(header);
    if (!credentials) throw missingCredentials(uri);
    if (credentials.kind === 'api_key') return this.apiKey(credentials.id, credentials.key);
    return this.password(credentials.username, credentials.password, uri);
  }

  private apiKey(id: string, key: string): Principal {
    const doc = this.sources.apiKeys.get(id);
    if (!doc) throw apiKeyRefused(`unable to find apikey with id ${id}`);
    if (doc.invalidated) throw apiKeyRefused(`api key [${id}] has been invalidated`);
    if (!apiKeyMatches(doc, key)) throw apiKeyRefused(`invalid credentials for API key [${id}]`);
    if (doc.expiration !== undefined && doc.expiration <= this.now()) throw apiKeyRefused('api key is expired');
    return apiKeyPrincipal({ id: doc.id, name: doc.name, username: doc.username, realm: doc.realm, roleDescriptors: doc.role_descriptors, limitedBy: doc.limited_by });
  }

  private async password(username: string, password: string, uri: string): Promise<Principal> {
    const cacheKey = createHash('sha256').update(username).update('\0').update(password).digest('hex');
    const cached = this.cache.get(cacheKey);
    if (cached && cached.expires > this.now()) return cached.principal;
    this.cache.delete(cacheKey);

    const reserved = username === ELASTIC_USER;
    const fileUser = reserved ? undefined : this.sources.fileUsers.get(username);
    const hash = reserved ? this.sources.reserved.passwordHash(ELASTIC_USER) : fileUser?.hash;
    // `$2y$` (PHP, htpasswd) is the same algorithm as `$2b$`.
    const matches = await bcrypt.compare(password, (hash ?? dummy()).replace(/^\$2y\$/, '$2b$'));
    if (!hash || !matches) throw wrongPassword(username, uri);

    const principal = reserved
      ? userPrincipal(ELASTIC_USER, ['superuser'], RESERVED_REALM, { _reserved: true })
      : userPrincipal(username, fileUser!.roles, FILE_REALM);
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(cacheKey, { principal, expires: this.now() + CACHE_TTL_MS });
    return principal;
  }
}
