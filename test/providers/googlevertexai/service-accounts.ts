/** Test service accounts (RSA key pairs made here with node:crypto) and the check Google's token endpoint makes of
 * the JWT assertion it is given: RS256, signed by the account's key, and its iss, aud, scope, iat and exp claims. */
import { createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';

export const TOKEN_URI = 'https://oauth2.googleapis.com/token';
export const SERVICE_ACCOUNT_KEY_ID = '3b1f4c9e0a7d2b6c8e5f1a0d9c7b3e2f4a6d8c0b';
export const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

export interface TestServiceAccount {
  /** The key file, as `service_account_json` takes it. */
  json: string;
  clientEmail: string;
  privateKeyPem: string;
  publicKey: KeyObject;
}

export function makeServiceAccount(name = 'infergate-test', fields: Record<string, unknown> = {}): TestServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const clientEmail = `${name}@sa-project-4711.iam.gserviceaccount.com`;
  const key = {
    type: 'service_account',
    project_id: 'sa-project-4711',
    private_key_id: SERVICE_ACCOUNT_KEY_ID,
    private_key: privateKeyPem,
    client_email: clientEmail,
    client_id: '104729384756102938475',
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: TOKEN_URI,
    ...fields,
  };
  return { json: JSON.stringify(key, null, 2), clientEmail, privateKeyPem, publicKey: createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })) };
}

export interface OAuthError {
  error: string;
  error_description: string;
}

const decode = (part: string): unknown => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

/** Undefined when Google would take the assertion; else its OAuth error. */
export function checkAssertion(assertion: string, account: TestServiceAccount, audience: string, nowS = Math.floor(Date.now() / 1000)): OAuthError | undefined {
  const parts = assertion.split('.');
  if (parts.length !== 3) return { error: 'invalid_grant', error_description: 'Invalid JWT: not a JWS.' };
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = decode(parts[0]) as Record<string, unknown>;
    claims = decode(parts[1]) as Record<string, unknown>;
  } catch {
    return { error: 'invalid_grant', error_description: 'Invalid JWT: could not decode.' };
  }
  if (header.alg !== 'RS256') return { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' };
  const signed = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), account.publicKey, Buffer.from(parts[2], 'base64url'));
  if (!signed) return { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' };
  if (claims.iss !== account.clientEmail) return { error: 'invalid_grant', error_description: 'Invalid JWT: iss does not name the key.' };
  if (claims.aud !== audience) return { error: 'invalid_grant', error_description: 'Invalid JWT: Failed audience check.' };
  if (claims.scope !== CLOUD_PLATFORM) return { error: 'invalid_scope', error_description: 'Invalid OAuth scope or ID token audience provided.' };
  const { iat, exp } = claims;
  const timely = typeof iat === 'number' && typeof exp === 'number' && Math.abs(iat - nowS) <= 300 && exp > iat && exp - iat <= 3600;
  if (!timely) {
    return {
      error: 'invalid_grant',
      error_description: 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
    };
  }
  return undefined;
}
