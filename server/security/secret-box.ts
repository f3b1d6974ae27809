/** Secret settings at rest: AES-256-GCM under a 32-byte key, bound to the endpoint id (AAD) so that a sealed
 * value copied onto another row does not open. Sealed form: `igenc1.<keyid>.<iv>.<tag>.<ciphertext>` (base64url). */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const SEALED_PREFIX = 'igenc1.';
export const KEY_FILE = 'encryption.key';
const KEY_BYTES = 32;
const IV_BYTES = 12;

export class SecretBox {
  readonly keyId: string;

  /** `key` seals; it and every key of `previousKeys` open. */
  constructor(
    private readonly key: Buffer,
    previousKeys: Buffer[] = [],
  ) {
    this.keyId = keyIdOf(key);
    for (const old of [key, ...previousKeys]) this.openKeys.set(keyIdOf(old), old);
  }

  private readonly openKeys = new Map<string, Buffer>();

  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
    return `${SEALED_PREFIX}${this.keyId}.${parts.join('.')}`;
  }

  open(sealed: string, aad: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || `${parts[0]}.` !== SEALED_PREFIX) throw new Error('not a sealed secret');
    const key = this.openKeys.get(parts[1]);
    if (key === undefined) throw new Error(`secret sealed under unknown key [${parts[1]}]`);
    const [iv, tag, ciphertext] = parts.slice(2).map((part) => Buffer.from(part, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  }
}

export function isSealed(value: string): boolean {
  return value.startsWith(SEALED_PREFIX);
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** A 32-byte key written as 64 hex digits or base64 (standard or url-safe). */
export function parseKey(text: string, origin: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`${origin} must be ${KEY_BYTES} bytes, as 64 hex digits or base64`);
  return key;
}

export function generateKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** The key from INFERGATE_ENCRYPTION_KEY, else from `encryption.key` in the data directory, created (0600) when
 * missing. A key file that others can read is refused rather than trusted. */
export function loadKey(dataDir: string, envKey: string | undefined): Buffer {
  if (envKey !== undefined && envKey.trim() !== '') return parseKey(envKey, 'INFERGATE_ENCRYPTION_KEY');
  const file = path.join(dataDir, KEY_FILE);
  if (!existsSync(file)) {
    if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeKeyFile(dataDir, generateKey());
  }
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(`key file [${file}] is readable by others (mode ${mode.toString(8)}): chmod 600 it`);
  }
  return parseKey(readFileSync(file, 'utf8'), `key file [${file}]`);
}

export function writeKeyFile(dataDir: string, key: Buffer): void {
  const file = path.join(dataDir, KEY_FILE);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
}
