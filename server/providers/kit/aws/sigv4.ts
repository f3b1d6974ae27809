/**
 * AWS Signature Version 4 for the requests of the AWS services (Bedrock Runtime, SageMaker Runtime), by the AWS SDK's
 * own signer (@smithy/signature-v4). The request is signed as it is really sent — after the upstream origin
 * override — once per attempt, so that every retry carries a fresh `X-Amz-Date`.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { RequestSigner } from '../http-transport';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A signer for `service` (the signing name: `bedrock`, `sagemaker`) in `region`. */
export function sigV4Signer(service: string, region: string, credentials: AwsCredentials): RequestSigner {
  const signer = new SignatureV4({ service, region, credentials, sha256: Sha256 });
  return async ({ url, headers, body }) => {
    const target = new URL(url);
    const signed = await signer.sign({
      method: 'POST',
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port ? Number(target.port) : undefined,
      path: target.pathname,
      query: Object.fromEntries(target.searchParams),
      // The Host header undici sends: the host with its port when it is not the scheme's default.
      headers: { ...headers, host: target.host },
      body,
    });
    const { host: _host, ...sent } = signed.headers;
    return sent;
  };
}
