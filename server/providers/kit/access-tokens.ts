/**
 * Access tokens a service mints from an endpoint's credentials (OAuth2 client credentials, a Google service
 * account, an IBM Cloud API key), cached per endpoint and credentials until shortly before they expire. Concurrent
 * calls (and the batches of one call) share one token request; a provider's 401 drops the token, and so does an
 * `_update` or DELETE of the endpoint.
 */
import { createHash } from 'node:crypto';
import { EsError } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';

export interface IssuedToken {
  token: string;
  /** How long the token is good for, as its issuer says (seconds). */
  expiresInSeconds?: number;
}

/** A token is not used in its last half-minute: a call that starts with it must not see it expire. */
const EXPIRY_MARGIN_MS = 30_000;
const DEFAULT_LIFETIME_S = 3600;

export class AccessTokens {
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();
  private readonly pending = new Map<string, Promise<string>>();

  /** The endpoint's token for `credentials` (any text that identifies them), issued by `issue` when none is cached. */
  async token(context: CallContext, credentials: string, issue: () => Promise<IssuedToken>): Promise<string> {
    const key = cacheKey(context.endpoint.inferenceId, credentials);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.token;
    let request = this.pending.get(key);
    const shared = request !== undefined;
    if (!request) {
      request = this.issue(key, issue).finally(() => this.pending.delete(key));
      this.pending.set(key, request);
    }
    try {
      return await request;
    } catch (error) {
      // A shared request ran on another call's deadline: if that call timed out or went away, this one asks anew.
      const callerEnded = error instanceof EsError && (error.status === 408 || error.status === 499);
      if (shared && callerEnded && !context.deadline.signal.aborted) return this.token(context, credentials, issue);
      throw error;
    }
  }

  /** The provider refused the token (401): the next call asks for a new one. */
  forget(context: CallContext, credentials: string): void {
    this.tokens.delete(cacheKey(context.endpoint.inferenceId, credentials));
  }

  /** The endpoint changed or is gone: none of its tokens is used again. */
  forgetEndpoint(inferenceId: string): void {
    const prefix = `${inferenceId}\n`;
    for (const key of this.tokens.keys()) if (key.startsWith(prefix)) this.tokens.delete(key);
  }

  private async issue(key: string, issue: () => Promise<IssuedToken>): Promise<string> {
    const issued = await issue();
    const now = Date.now();
    for (const [stale, entry] of this.tokens) if (entry.expiresAt <= now) this.tokens.delete(stale);
    const lifetimeMs = (issued.expiresInSeconds ?? DEFAULT_LIFETIME_S) * 1000;
    this.tokens.set(key, { token: issued.token, expiresAt: now + Math.max(0, lifetimeMs - EXPIRY_MARGIN_MS) });
    return issued.token;
  }
}

/** The credentials are hashed so that the secret is not held twice in memory. */
function cacheKey(inferenceId: string, credentials: string): string {
  return `${inferenceId}\n${createHash('sha256').update(credentials).digest('hex')}`;
}
