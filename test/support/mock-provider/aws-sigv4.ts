/**
 * What an AWS service does with a SigV4-signed request, for the AWS mocks: it recomputes the signature from the
 * request as received (canonical request, string to sign, derived key — written here with node:crypto, apart from
 * the SDK signer infergate uses, so that the two check each other) and refuses what does not match with AWS's own
 * error bodies (`x-amzn-ErrorType` and `{"message": ...}`, the REST-JSON protocol).
 */
import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface AwsSigningKey {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** The signing name: `bedrock`, `sagemaker`. */
  service: string;
}

export interface AwsRefusal {
  status: number;
  errorType: string;
  message: string;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 escaping as SigV4 does it (unreserved characters kept). */
const escape = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Services other than S3 escape each path segment again, as received (so `%3A` is signed as `%253A`). */
function canonicalUri(rawPath: string): string {
  return rawPath.split('/').map(escape).join('/') || '/';
}

function canonicalQuery(rawQuery: string): string {
  if (!rawQuery) return '';
  return [...new URLSearchParams(rawQuery)]
    .map(([name, value]) => [escape(name), escape(value)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

const invalidSignature = (): AwsRefusal => ({
  status: 403,
  errorType: 'InvalidSignatureException',
  message:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
});

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** Undefined when the request is signed by `key`; else AWS's refusal. */
export function sigV4Refusal(req: IncomingMessage, rawBody: string, key: AwsSigningKey): AwsRefusal | undefined {
  const authorization = String(req.headers.authorization ?? '');
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const parts = AUTHORIZATION.exec(authorization);
  if (!parts) return { status: 403, errorType: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const [, accessKeyId, day, region, service, signedHeaders, signature] = parts;
  if (accessKeyId !== key.accessKeyId) {
    return { status: 403, errorType: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  }
  if (region !== key.region || service !== key.service || !amzDate.startsWith(day)) return invalidSignature();
  const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!Number.isFinite(signedAt) || Math.abs(Date.now() - signedAt) > 5 * 60_000) {
    return { status: 403, errorType: 'InvalidSignatureException', message: `Signature expired: ${amzDate} is now earlier or later than the time allowed.` };
  }
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date')) return invalidSignature();
  const canonicalHeaders = names.map((name) => `${name}:${String(req.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const [rawPath, rawQuery = ''] = (req.url ?? '/').split('?', 2);
  const canonicalRequest = ['POST', canonicalUri(rawPath), canonicalQuery(rawQuery), canonicalHeaders, signedHeaders, sha256(Buffer.from(rawBody, 'utf8'))].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${key.secretAccessKey}`, day), region), service), 'aws4_request');
  return hmac(signingKey, stringToSign).toString('hex') === signature ? undefined : invalidSignature();
}
