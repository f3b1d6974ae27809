/** `npm run users -- reset-password elastic`: a new password for `elastic` in INFERGATE_DATA_DIR (INFERGATE_NEW_PASSWORD,
 * else generated and shown once). `npm run users -- hash`: a bcrypt hash of the password on standard input, for a
 * line `username:<hash>` of the users file (INFERGATE_USERS_FILE). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { resetElasticPassword } from '../server/security/password-reset';
import { generatePassword } from '../server/security/security-services';

function main(args: string[]): void {
  if (args[0] === 'hash') {
    const password = readFileSync(0, 'utf8').replace(/\r?\n$/, '');
    if (password === '') throw new Error('no password on standard input');
    console.log(bcrypt.hashSync(password, 10));
    return;
  }
  if (args[0] === 'reset-password' && args[1] === 'elastic') {
    const dataDir = path.resolve(process.env.INFERGATE_DATA_DIR ?? 'data');
    const given = process.env.INFERGATE_NEW_PASSWORD;
    const password = given || generatePassword();
    resetElasticPassword(dataDir, password);
    console.log(given ? 'the password of [elastic] was changed' : `new password for [elastic]: ${password}`);
    return;
  }
  console.error('usage: npm run users -- reset-password elastic | npm run users -- hash < password-file');
  process.exit(2);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(`users: ${(error as Error).message}`);
  process.exit(1);
}
