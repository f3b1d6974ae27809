/** OAuth2 access tokens by the client-credentials grant (RFC 6749 §4.4), cached per client until shortly before
 * they expire; a provider's 401 drops the cached one. Token requests go through the service's client (retries,
 * deadline, redaction) but not through its rate limit. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { EsError } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
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

const EXPIRY_MARGIN_MS = 30_000;
const DEFAULT_LIFETIME_S = 3600;

export class ClientCredentialsTokens {
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();
  /** Token requests under way: concurrent calls (and the batches of one call) share one. */
  private readonly pending = new Map<string, Promise<string>>();

  async token(context: CallContext, client: ProviderClient, grant: ClientCredentials): Promise<string> {
    const key = cacheKey(grant);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.token;
    let request = this.pending.get(key);
    const shared = request !== undefined;
    if (!request) {
      request = this.requestToken(context, client, grant, key).finally(() => this.pending.delete(key));
      this.pending.set(key, request);
    }
    try {
      return await request;
    } catch (error) {
      // A shared request ran on another call's deadline: if that call timed out or went away, this one asks anew.
      const callerEnded = error instanceof EsError && (error.status === 408 || error.status === 499);
      if (shared && callerEnded && !context.deadline.signal.aborted) return this.token(context, client, grant);
      throw error;
    }
  }

  /** The provider refused the token (401): the next call asks for a new one. */
  forget(grant: ClientCredentials): void {
    this.tokens.delete(cacheKey(grant));
  }

  private async requestToken(context: CallContext, client: ProviderClient, grant: ClientCredentials, key: string): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: grant.clientId, client_secret: grant.clientSecret, scope: grant.scopes.join(' ') });
    const answer = await client.postJson(context, grant.tokenUrl, form, tokenSchema, {
      name: 'OAuth2 token',
      policy: openAiStatusPolicy,
      withoutServiceHeaders: true,
      rateLimited: false,
      originName: grant.originName,
      errorDetails: oauthErrorDetails,
    });
    const now = Date.now();
    for (const [stale, entry] of this.tokens) if (entry.expiresAt <= now) this.tokens.delete(stale);
    const lifetimeMs = (answer.expires_in ?? DEFAULT_LIFETIME_S) * 1000;
    this.tokens.set(key, { token: answer.access_token, expiresAt: now + lifetimeMs - EXPIRY_MARGIN_MS });
    return answer.access_token;
  }
}

/** Tokens are cached per credentials; the key is a hash so that the secret is not held twice in memory. */
function cacheKey(grant: ClientCredentials): string {
  return createHash('sha256').update([grant.tokenUrl, grant.clientId, grant.clientSecret, grant.scopes.join(' ')].join('\n')).digest('hex');
}
