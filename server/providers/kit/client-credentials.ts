/** OAuth2 access tokens by the client-credentials grant (RFC 6749 §4.4), cached per endpoint (AccessTokens). Token
 * requests go through the service's client (retries, deadline, redaction) but not through its rate limit. */
import { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import { AccessTokens } from './access-tokens';
import { errorDetailsFrom } from './error-details';
import type { ProviderClient } from './provider-client';
import { openAiStatusPolicy } from './status-policy';

export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: readonly string[];
  /** The INFERGATE_UPSTREAM_ORIGINS name of the token endpoint, when not the service's (e.g. `azure-entra`). */
  originName?: string;
}

const tokenSchema = z
  .object({ access_token: z.string().min(1), expires_in: z.coerce.number().positive().optional() })
  .describe('the token response has no [access_token]');

/** RFC 6749 §5.2 error bodies: `{"error": "invalid_client", "error_description": "..."}`. */
const oauthErrorDetails = errorDetailsFrom(z.object({ error: z.string(), error_description: z.string().optional() }), (body) => ({
  message: body.error_description ? `${body.error}: ${body.error_description}` : body.error,
}));

/** Client-credentials tokens, per endpoint (see AccessTokens). */
export class ClientCredentialsTokens {
  private readonly tokens = new AccessTokens();

  token(context: CallContext, client: ProviderClient, grant: ClientCredentials): Promise<string> {
    return this.tokens.token(context, credentialsOf(grant), async () => {
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: grant.clientId, client_secret: grant.clientSecret, scope: grant.scopes.join(' ') });
      const answer = await client.postJson(context, grant.tokenUrl, form, tokenSchema, {
        name: 'OAuth2 token',
        policy: openAiStatusPolicy,
        withoutServiceHeaders: true,
        rateLimited: false,
        originName: grant.originName,
        errorDetails: oauthErrorDetails,
      });
      return { token: answer.access_token, expiresInSeconds: answer.expires_in };
    });
  }

  /** The provider refused the token (401): the next call asks for a new one. */
  forget(context: CallContext, grant: ClientCredentials): void {
    this.tokens.forget(context, credentialsOf(grant));
  }

  /** The endpoint changed or is gone. */
  forgetEndpoint(inferenceId: string): void {
    this.tokens.forgetEndpoint(inferenceId);
  }
}

const credentialsOf = (grant: ClientCredentials) => [grant.tokenUrl, grant.clientId, grant.clientSecret, grant.scopes.join(' ')].join('\n');
