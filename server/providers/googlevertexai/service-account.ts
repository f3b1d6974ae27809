/**
 * A Google service account key (the `service_account_json` setting) and the signed JWT it trades for an access token
 * (RFC 7523 bearer grant, scope cloud-platform), as Elasticsearch's ServiceAccountCredentials does. The assertion is
 * signed by google-auth-library's own JWS signer (RS256 over the key's `private_key`); no crypto of ours.
 */
import { getJwsSign } from 'google-auth-library/build/src/gtoken/jwsSign';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** Where a key without `token_uri` gets its tokens (Google's auth library's default). */
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** The lifetime Google's libraries ask for. */
const ASSERTION_LIFETIME_S = 3600;

export interface ServiceAccount {
  clientEmail: string;
  privateKey: string;
  privateKeyId: string;
  tokenUri: string;
}

/** A key that cannot be used: Elasticsearch answers 403 with the auth library's message. */
export class BadServiceAccount extends Error {}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The key, read as Google's auth library reads it (its messages, so that the 403 says what Elasticsearch says). */
export function parseServiceAccount(json: string): ServiceAccount {
  let key: unknown;
  try {
    key = JSON.parse(json);
  } catch {
    throw new BadServiceAccount('Error reading credentials from stream, the service account JSON is not valid JSON.');
  }
  if (!key || typeof key !== 'object' || Array.isArray(key)) {
    throw new BadServiceAccount('Error reading credentials from stream, the service account JSON is not an object.');
  }
  const fields = key as Record<string, unknown>;
  if (fields.type === undefined) throw new BadServiceAccount("Error reading credentials from stream, 'type' field not specified.");
  if (fields.type !== 'service_account') {
    throw new BadServiceAccount(`Error reading credentials from stream, 'type' value '${String(fields.type)}' not recognized. Expecting 'service_account'.`);
  }
  const clientEmail = text(fields.client_email);
  const privateKey = text(fields.private_key);
  const privateKeyId = text(fields.private_key_id);
  if (!text(fields.client_id) || !clientEmail || !privateKey || !privateKeyId) {
    throw new BadServiceAccount(
      "Error reading service account credential from stream, expecting  'client_id', 'client_email', 'private_key' and 'private_key_id'.",
    );
  }
  return { clientEmail, privateKey, privateKeyId, tokenUri: text(fields.token_uri) ?? GOOGLE_TOKEN_URI };
}

/** The parts of a key file that are secret, for redaction: its private key and key id (its field names, project,
 * email and Google's URLs are public, and redacting them would garble every message quoting a URL); a file that
 * cannot be read is secret as a whole. */
export function secretPartsOf(json: string): Record<string, unknown> {
  try {
    const key: unknown = JSON.parse(json);
    if (key && typeof key === 'object' && !Array.isArray(key)) {
      const { private_key: privateKey, private_key_id: privateKeyId } = key as Record<string, unknown>;
      return { private_key: privateKey, private_key_id: privateKeyId };
    }
  } catch {
    // not JSON: all of it
  }
  return { service_account_json: json };
}

/** The signed JWT assertion of the bearer grant: iss, scope, aud (the token URI), iat and exp. */
export function signedAssertion(account: ServiceAccount, nowMs = Date.now()): string {
  const iat = Math.floor(nowMs / 1000);
  try {
    return getJwsSign({
      key: account.privateKey,
      iss: account.clientEmail,
      scope: CLOUD_PLATFORM_SCOPE,
      additionalClaims: { aud: account.tokenUri, iat, exp: iat + ASSERTION_LIFETIME_S },
    });
  } catch {
    // The library's own error may quote the key; this one does not.
    throw new BadServiceAccount('Error reading service account credential from stream, the private key could not be read.');
  }
}
