/** Security at start: the stores, the realms and the password of `elastic`. With `INFERGATE_SECURITY=true` and no
 * credential anywhere, a password for `elastic` is generated and shown once, as Elasticsearch does at first start;
 * `auto` on a public address with no credential refuses to start instead (nobody chose to secure it). */
import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { Config } from '../config';
import type { SqliteDatabase } from '../store/database';
import { ApiKeyStore } from '../store/api-key-store';
import { ReservedUsersStore } from '../store/reserved-users-store';
import { Authenticator, ELASTIC_USER } from './authenticator';
import { FailedAttempts } from './failed-attempts';
import { loadFileRealm } from './file-realm';

export interface SecurityServices {
  apiKeys: ApiKeyStore;
  authenticator: Authenticator;
  failedAttempts: FailedAttempts;
}

export const MIN_PASSWORD_LENGTH = 6;

export const generatePassword = () => randomBytes(15).toString('base64url');

export function elasticPasswordBanner(password: string): string {
  const rule = '━'.repeat(72);
  return `${rule}\ninfergate security is on. Password for the elastic user (shown once; reset it with\n\`npm run users -- reset-password elastic\`):\n  ${password}\n${rule}\n`;
}

export function setUpSecurity(config: Config, database: SqliteDatabase, announce: (text: string) => void): SecurityServices {
  const apiKeys = new ApiKeyStore(database);
  const reserved = new ReservedUsersStore(database);
  const fileUsers = loadFileRealm(config.usersFile, config.usersRolesFile);
  if (reserved.passwordHash(ELASTIC_USER) === undefined) {
    const bootstrap = config.bootstrapPassword;
    if (bootstrap !== undefined) {
      if (bootstrap.length < MIN_PASSWORD_LENGTH) throw new Error(`INFERGATE_BOOTSTRAP_PASSWORD must be at least [${MIN_PASSWORD_LENGTH}] characters long`);
      reserved.setPasswordHash(ELASTIC_USER, bcrypt.hashSync(bootstrap, 10));
    } else if (fileUsers.size === 0 && apiKeys.count() === 0) {
      if (config.security === 'auto') {
        throw new Error(
          `security is on (INFERGATE_SECURITY=auto, HOST [${config.host}] is not loopback) but no credentials are configured: set INFERGATE_BOOTSTRAP_PASSWORD or INFERGATE_USERS_FILE, or INFERGATE_SECURITY=true to have a password for [elastic] generated and shown once`,
        );
      }
      const password = generatePassword();
      reserved.setPasswordHash(ELASTIC_USER, bcrypt.hashSync(password, 10));
      announce(elasticPasswordBanner(password));
    }
  }
  return {
    apiKeys,
    authenticator: new Authenticator({ fileUsers, reserved, apiKeys }),
    failedAttempts: new FailedAttempts(config.authFailureLimit, config.authFailureWindowMs),
  };
}
