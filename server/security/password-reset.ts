/** Sets the password of the reserved `elastic` user in a data directory (the server must not be running on it). */
import bcrypt from 'bcryptjs';
import { openDatabase } from '../store/database';
import { ReservedUsersStore } from '../store/reserved-users-store';
import { ELASTIC_USER } from './authenticator';
import { runningServerPid } from './key-rotation';
import { MIN_PASSWORD_LENGTH } from './security-services';

export function resetElasticPassword(dataDir: string, password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new Error(`passwords must be at least [${MIN_PASSWORD_LENGTH}] characters long`);
  const pid = runningServerPid(dataDir);
  if (pid !== undefined) throw new Error(`a server (pid ${pid}) is running on ${dataDir}; stop it first (it keeps passwords it has checked in memory)`);
  const database = openDatabase(dataDir);
  try {
    new ReservedUsersStore(database).setPasswordHash(ELASTIC_USER, bcrypt.hashSync(password, 10));
  } finally {
    database.close();
  }
}
