/** `npm run keys -- rotate`: re-encrypts the secret settings in INFERGATE_DATA_DIR under a new key — the one in
 * INFERGATE_NEW_ENCRYPTION_KEY, else a generated one written into the data directory's `encryption.key`. The old key
 * is INFERGATE_ENCRYPTION_KEY or that file. Refuses while a server runs on the data directory. */
import path from 'node:path';
import { rotateKeys } from '../server/security/key-rotation';
import { generateKey, keyIdOf, loadKey, parseKey } from '../server/security/secret-box';

function main(args: string[]): void {
  if (args[0] !== 'rotate') {
    console.error('usage: npm run keys -- rotate');
    process.exit(2);
  }
  // Rotation rewrites the SQLite file; endpoints in PostgreSQL would keep their old seals (and stop opening).
  if (process.env.INFERGATE_DATABASE_URL) throw new Error('rotate re-encrypts the data directory\'s SQLite file only; it cannot rotate endpoints stored in INFERGATE_DATABASE_URL');
  const dataDir = path.resolve(process.env.INFERGATE_DATA_DIR ?? 'data');
  const oldKey = loadKey(dataDir, process.env.INFERGATE_ENCRYPTION_KEY);
  const given = process.env.INFERGATE_NEW_ENCRYPTION_KEY;
  const newKey = given ? parseKey(given, 'INFERGATE_NEW_ENCRYPTION_KEY') : generateKey();
  const rotated = rotateKeys({ dataDir, oldKey, newKey, writeKeyFile: !given });
  console.log(`re-encrypted ${rotated} endpoint(s) from key ${keyIdOf(oldKey)} to key ${keyIdOf(newKey)}`);
  if (given) console.log('set INFERGATE_ENCRYPTION_KEY to the new key before starting the server');
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(`keys: ${(error as Error).message}`);
  process.exit(1);
}
