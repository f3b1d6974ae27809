/** The file realm, in Elasticsearch's own file formats: `users` (`username:bcrypt-hash` per line) and `users_roles`
 * (`role:user1,user2` per line), so files written by `elasticsearch-users` work unchanged. Read once, at start. */
import { readFileSync } from 'node:fs';

export interface FileUser {
  hash: string;
  roles: string[];
}

const BCRYPT = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/;

function lines(file: string): Array<{ text: string; number: number }> {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((text, i) => ({ text: text.trim(), number: i + 1 }))
    .filter((line) => line.text !== '' && !line.text.startsWith('#'));
}

export function loadFileRealm(usersFile: string | undefined, rolesFile: string | undefined): Map<string, FileUser> {
  const users = new Map<string, FileUser>();
  if (!usersFile) return users;
  for (const { text, number } of lines(usersFile)) {
    const colon = text.indexOf(':');
    const username = text.slice(0, colon);
    const hash = text.slice(colon + 1);
    // The line itself is never quoted: it holds a password hash.
    if (colon < 1 || !BCRYPT.test(hash)) throw new Error(`${usersFile}:${number}: expected username:bcrypt-hash`);
    users.set(username, { hash, roles: [] });
  }
  if (!rolesFile) return users;
  for (const { text, number } of lines(rolesFile)) {
    const colon = text.indexOf(':');
    if (colon < 1) throw new Error(`${rolesFile}:${number}: expected role:user1,user2`);
    const role = text.slice(0, colon).trim();
    for (const username of text.slice(colon + 1).split(',').map((name) => name.trim())) users.get(username)?.roles.push(role);
  }
  return users;
}
