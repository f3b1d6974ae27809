/** `npm run keys -- rotate`: re-seals every secret setting under a new key in one transaction, then rewrites the
 * database so that nothing sealed under the old key stays in free pages or the WAL. */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../store/database';
import { compact } from '../store/sqlite-endpoint-store';
import { KEY_FILE, SecretBox, isSealed } from './secret-box';

export const PID_FILE = 'server.pid';

export function writePidFile(dataDir: string): void {
  writeFileSync(path.join(dataDir, PID_FILE), `${process.pid}\n`, { mode: 0o600 });
}

export function removePidFile(dataDir: string): void {
  rmSync(path.join(dataDir, PID_FILE), { force: true });
}

/** The pid of a live server on this data directory; a file left by a killed server does not count. */
export function runningServerPid(dataDir: string): number | undefined {
  const file = path.join(dataDir, PID_FILE);
  if (!existsSync(file)) return undefined;
  const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

export interface RotationOptions {
  dataDir: string;
  oldKey: Buffer;
  newKey: Buffer;
  /** Write the new key into `encryption.key` (when it was generated rather than given in the environment). */
  writeKeyFile: boolean;
}

export function rotateKeys({ dataDir, oldKey, newKey, writeKeyFile }: RotationOptions): number {
  const pid = runningServerPid(dataDir);
  if (pid !== undefined) throw new Error(`a server (pid ${pid}) is running on [${dataDir}]: stop it before rotating`);
  const oldBox = new SecretBox(oldKey);
  const newBox = new SecretBox(newKey);
  // The new key is on disk before any row depends on it; a crash in between leaves it in encryption.key.new.
  const pending = path.join(dataDir, `${KEY_FILE}.new`);
  if (writeKeyFile) writeFileSync(pending, newKey.toString('base64') + '\n', { mode: 0o600 });
  const db = openDatabase(dataDir);
  let rotated = 0;
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'endpoints'").get();
    const rows = hasTable
      ? db.prepare<[], { inference_id: string; secrets: string }>('SELECT inference_id, secrets FROM endpoints').all()
      : [];
    const update = db.prepare('UPDATE endpoints SET secrets = ? WHERE inference_id = ?');
    db.transaction(() => {
      for (const row of rows) {
        const plaintext = isSealed(row.secrets) ? oldBox.open(row.secrets, row.inference_id) : row.secrets;
        update.run(newBox.seal(plaintext, row.inference_id), row.inference_id);
      }
      rotated = rows.length;
    })();
    compact(db);
  } finally {
    db.close();
  }
  if (writeKeyFile) renameSync(pending, path.join(dataDir, KEY_FILE));
  return rotated;
}
