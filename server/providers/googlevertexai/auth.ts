/**
 * `Authorization: Bearer <access token>` for every Vertex AI and Discovery Engine request: the token is got with the
 * endpoint's service account (a signed JWT traded at the key's `token_uri`, the `google-oauth` origin) and cached per
 * endpoint until shortly before it expires (AccessTokens). As in Elasticsearch's GoogleVertexAiRequestUtils, any
 * failure to get one — an unreadable key, a refused or failed token request — is a 403 carrying the auth library's
 * message; the call's own timeout (408) or the client going away (499) stay what they are.
 */
import { z } from 'zod';
import { EsError, statusException } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import { AccessTokens } from '../kit/access-tokens';
import { errorDetailsFrom } from '../kit/error-details';
import type { ProviderClient } from '../kit/provider-client';
import { openAiStatusPolicy } from '../kit/status-policy';
import { BadServiceAccount, JWT_BEARER_GRANT, parseServiceAccount, signedAssertion, type ServiceAccount } from './service-account';

export const TOKEN_ORIGIN = 'google-oauth';

const tokenSchema = z
  .object({ access_token: z.string().min(1), expires_in: z.coerce.number().positive().optional() })
  .describe('the token response has no [access_token]');

/** Google's token endpoint answers RFC 6749 §5.2 bodies: `{"error":"invalid_grant","error_description":"..."}`. */
const oauthErrorDetails = errorDetailsFrom(z.object({ error: z.string(), error_description: z.string().optional() }), (body) => ({
  message: body.error_description ? `${body.error}: ${body.error_description}` : body.error,
}));

const serviceAccountJson = (context: CallContext): string => String(context.endpoint.secrets.service_account_json ?? '');

function forbidden(message: string, cause?: EsError): EsError {
  return statusException(403, message, cause ? { causedBy: cause } : {});
}

export class GoogleAuth {
  private readonly tokens = new AccessTokens();

  async headers(context: CallContext, client: ProviderClient): Promise<Record<string, string>> {
    return { Authorization: `Bearer ${await this.token(context, client)}` };
  }

  private token(context: CallContext, client: ProviderClient): Promise<string> {
    const json = serviceAccountJson(context);
    return this.tokens.token(context, json, async () => {
      let account: ServiceAccount;
      let assertion: string;
      try {
        account = parseServiceAccount(json);
        assertion = signedAssertion(account);
      } catch (error) {
        if (error instanceof BadServiceAccount) throw forbidden(error.message);
        throw error;
      }
      try {
        const form = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion });
        const answer = await client.postJson(context, account.tokenUri, form, tokenSchema, {
          name: 'Google OAuth2 token',
          policy: openAiStatusPolicy,
          withoutServiceHeaders: true,
          rateLimited: false,
          originName: TOKEN_ORIGIN,
          errorDetails: oauthErrorDetails,
        });
        return { token: answer.access_token, expiresInSeconds: answer.expires_in };
      } catch (error) {
        if (!(error instanceof EsError) || error.status === 408 || error.status === 499) throw error;
        // Elasticsearch's message ends `, iss: <client_email>`: left out here, the key's fields being the secret.
        throw forbidden(`Error getting access token for service account: ${error.message}`, error);
      }
    });
  }

  /** A 401 from Google: the cached token is no longer good, the next call gets a new one. */
  rejected(context: CallContext): void {
    this.tokens.forget(context, serviceAccountJson(context));
  }

  /** The endpoint changed (`_update`) or is gone (DELETE): its token is not used again. */
  forgetEndpoint(inferenceId: string): void {
    this.tokens.forgetEndpoint(inferenceId);
  }
}
