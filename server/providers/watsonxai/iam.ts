/**
 * The IBM Cloud IAM token exchange: the endpoint's API key buys a bearer token at
 * `POST https://iam.cloud.ibm.com/identity/token` (the `ibm-iam` upstream origin), form
 * `grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey=<key>`, answered `{"access_token","expires_in",...}`.
 * Elasticsearch (IbmWatsonxRequestUtils.decorateWithBearerToken) exchanges the key before every request, on a
 * client of its own without a timeout; infergate caches the token per endpoint until shortly before it expires
 * (AccessTokens), drops it on a 401 and on `_update` or DELETE, and asks within the call's deadline.
 */
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { EsError, statusException } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import { AccessTokens } from '../kit/access-tokens';
import { RawBody } from '../kit/http-transport';
import type { ProviderClient } from '../kit/provider-client';
import { serviceSettings } from '../kit/settings';
import { watsonxStatusPolicy } from './wire';

export const IAM_TOKEN_URL = 'https://iam.cloud.ibm.com/identity/token';

const tokenSchema = z
  .object({ access_token: z.string().min(1), expires_in: z.coerce.number().positive().optional() })
  .describe('Failed to find required field [access_token] in the IBM Cloud IAM token response');

/** The kit's wording of a failed status, which the token request words as Elasticsearch does. */
const STATUS_FAILURE = /^(.*) for request from inference entity id \[(.*)\] status \[(\d+)\]/s;

/**
 * Elasticsearch's words for a refused exchange: `<prefix> for request to generate Bearer Token from inference entity
 * id [<id>] status [<code>]. Error message: [<reason phrase>]` — the HTTP reason phrase, never IAM's body (which
 * may quote the key's id). A connection that fails is its XContentParseException `Failed to add Bearer token to the
 * request`, with the connection error as the cause.
 */
function tokenFailure(error: EsError): EsError {
  const failed = STATUS_FAILURE.exec(error.reason);
  if (failed) {
    const [, prefix, id, code] = failed;
    const phrase = STATUS_CODES[Number(code)];
    const reason = `${prefix} for request to generate Bearer Token from inference entity id [${id}] status [${code}]`;
    return statusException(error.status, phrase ? `${reason}. Error message: [${phrase}]` : reason);
  }
  if (error.reason.startsWith('Failed to send request from inference entity id')) {
    return new EsError(400, 'x_content_parse_exception', 'Failed to add Bearer token to the request', { causedBy: error });
  }
  return error;
}

export class IamTokens {
  private readonly tokens = new AccessTokens();

  /** The endpoint's bearer token, from the cache or a new exchange. */
  async token(context: CallContext, client: ProviderClient): Promise<string> {
    const apiKey = serviceSettings<'WatsonxaiServiceSettings'>(context).api_key;
    try {
      return await this.tokens.token(context, apiKey, () => this.exchange(context, client, apiKey));
    } catch (error) {
      // A deadline that passed (408) or a client that left (499) are the call's, not IAM's.
      if (!(error instanceof EsError) || error.status === 408 || error.status === 499) throw error;
      throw tokenFailure(error);
    }
  }

  /** watsonx.ai refused the token (401): the next call exchanges the key again. */
  forget(context: CallContext): void {
    this.tokens.forget(context, serviceSettings<'WatsonxaiServiceSettings'>(context).api_key);
  }

  forgetEndpoint(inferenceId: string): void {
    this.tokens.forgetEndpoint(inferenceId);
  }

  private async exchange(context: CallContext, client: ProviderClient, apiKey: string) {
    // Elasticsearch writes the form by hand, the key unescaped; IBM's keys need no escaping, so the bytes agree.
    const form = new RawBody(`grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey=${encodeURIComponent(apiKey)}`);
    const answer = await client.postJson(context, IAM_TOKEN_URL, form, tokenSchema, {
      name: 'IBM Cloud IAM token',
      policy: watsonxStatusPolicy,
      withoutServiceHeaders: true,
      rateLimited: false,
      originName: 'ibm-iam',
      contentType: 'application/x-www-form-urlencoded',
      errorDetails: () => undefined,
    });
    return { token: answer.access_token, expiresInSeconds: answer.expires_in };
  }
}
