/** SecretBox: AES-256-GCM sealing bound to the endpoint id, and where the key comes from. */
import { chmodSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KEY_FILE, SecretBox, generateKey, isSealed, loadKey, parseKey } from '../../server/security/secret-box';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'infergate-key-'));

describe('seal and open', () => {
  const box = new SecretBox(generateKey());

  test('round trip, in the igenc1 format, without the plaintext', () => {
    const sealed = box.seal('sk-very-secret', 'my-endpoint');
    expect(sealed).toMatch(/^igenc1\.[0-9a-f]{12}\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(sealed).not.toContain('very-secret');
    expect(isSealed(sealed)).toBe(true);
    expect(box.open(sealed, 'my-endpoint')).toBe('sk-very-secret');
  });

  test('a fresh IV every time', () => {
    expect(box.seal('same', 'id')).not.toBe(box.seal('same', 'id'));
  });

  test('another endpoint id, a tampered ciphertext or another key does not open', () => {
    const sealed = box.seal('sk-very-secret', 'my-endpoint');
    expect(() => box.open(sealed, 'other-endpoint')).toThrow();
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[4], 'base64url');
    flipped[0] ^= 1;
    parts[4] = flipped.toString('base64url');
    expect(() => box.open(parts.join('.'), 'my-endpoint')).toThrow();
    expect(() => new SecretBox(generateKey()).open(sealed, 'my-endpoint')).toThrow(/unknown key/);
  });

  test('a box with the old key among its previous keys opens what the old key sealed', () => {
    const oldKey = generateKey();
    const sealed = new SecretBox(oldKey).seal('s', 'id');
    const rotated = new SecretBox(generateKey(), [oldKey]);
    expect(rotated.open(sealed, 'id')).toBe('s');
    expect(rotated.seal('s', 'id').split('.')[1]).toBe(rotated.keyId);
  });
});

describe('keys', () => {
  test('hex and base64 keys of 32 bytes, nothing else', () => {
    const key = generateKey();
    expect(parseKey(key.toString('hex'), 'k')).toEqual(key);
    expect(parseKey(key.toString('base64'), 'k')).toEqual(key);
    expect(parseKey(key.toString('base64url'), 'k')).toEqual(key);
    expect(() => parseKey('abcd', 'INFERGATE_ENCRYPTION_KEY')).toThrow('INFERGATE_ENCRYPTION_KEY must be 32 bytes');
  });

  test('the environment key wins over the key file', () => {
    const key = generateKey();
    expect(loadKey(tempDir(), key.toString('hex'))).toEqual(key);
  });

  test('a key file is created 0600 at first start and read back after', () => {
    const dir = path.join(tempDir(), 'data');
    const key = loadKey(dir, undefined);
    const file = path.join(dir, KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(parseKey(readFileSync(file, 'utf8'), 'file')).toEqual(key);
    expect(loadKey(dir, '')).toEqual(key);
  });

  test('a key file others can read is refused', () => {
    const dir = tempDir();
    loadKey(dir, undefined);
    chmodSync(path.join(dir, KEY_FILE), 0o644);
    expect(() => loadKey(dir, undefined)).toThrow(/readable by others \(mode 644\)/);
  });
});
