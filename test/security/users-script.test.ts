/** `npm run users`: a hash for the users file, and a new password for elastic. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { startTestServer } from '../support/server';
import { basic } from '../support/security';

const root = path.join(__dirname, '../..');
const runUsers = (args: string[], env: Record<string, string> = {}, input = '') =>
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/users.ts', ...args], { cwd: root, env: { ...process.env, ...env }, input, encoding: 'utf8' });

test('hash prints a bcrypt hash of the password on standard input', () => {
  const hash = runUsers(['hash'], {}, 'correct horse battery staple\n').trim();
  expect(hash).toMatch(/^\$2b\$10\$/);
  expect(bcrypt.compareSync('correct horse battery staple', hash)).toBe(true);
});

test('reset-password elastic changes the password the server accepts, and refuses while a server runs', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'infergate-users-'));
  try {
    const server = await startTestServer({ security: 'true', dataDir, bootstrapPassword: 'old-password' });
    expect(() => runUsers(['reset-password', 'elastic'], { INFERGATE_DATA_DIR: dataDir, INFERGATE_NEW_PASSWORD: 'new-password' }, '')).toThrow(/is running on/);
    await server.stop();
    expect(runUsers(['reset-password', 'elastic'], { INFERGATE_DATA_DIR: dataDir, INFERGATE_NEW_PASSWORD: 'new-password' })).toContain('was changed');
    const restarted = await startTestServer({ security: 'true', dataDir, authFailureLimit: 0 });
    try {
      expect((await restarted.call('GET', '/_security/_authenticate', undefined, basic('elastic', 'new-password'))).status).toBe(200);
      expect((await restarted.call('GET', '/_security/_authenticate', undefined, basic('elastic', 'old-password'))).status).toBe(401);
    } finally {
      await restarted.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
