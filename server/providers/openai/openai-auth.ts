/** Request headers for OpenAI: the API key, or an access token from the OAuth2 client-credentials grant (cached
 * until shortly before it expires), the organization, and the endpoint's extra headers. */
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { providerError, connectionError } from '../kit/provider-error';
import type { CallScope } from '../kit/provider-http';
import type { CallContext } from '../types';
import { z } from 'zod';

const tokenResponseSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive().optional() });
const EXPIRY_MARGIN_MS = 30_000;

interface CachedToken {
  token: string;
  expiresAt: number;
}

export class OpenAiAuth {
  private readonly tokens = new Map<string, CachedToken>();

  async headers(context: CallContext, scope: CallScope): Promise<Record<string, string>> {
    const { serviceSettings, secrets } = context.endpoint;
    const headers: Record<string, string> = {};
    const extra = context.taskSettings.headers;
    if (extra && typeof extra === 'object') Object.assign(headers, extra as Record<string, string>);
    if (typeof serviceSettings.organization_id === 'string') headers['OpenAI-Organization'] = serviceSettings.organization_id;
    const bearer = typeof secrets.api_key === 'string' ? secrets.api_key : await this.accessToken(context, scope);
    headers.Authorization = `Bearer ${bearer}`;
    return headers;
  }

  private async accessToken(context: CallContext, scope: CallScope): Promise<string> {
    const settings = context.endpoint.serviceSettings;
    const clientId = String(settings.client_id);
    const clientSecret = String(context.endpoint.secrets.client_secret);
    const tokenUrl = String(settings.token_url);
    const scopes = (settings.scopes as string[]).join(' ');
    const cacheKey = createHash('sha256').update([tokenUrl, clientId, clientSecret, scopes].join('\n')).digest('hex');
    const cached = this.tokens.get(cacheKey);
    if (cached && cached.expiresAt > Date.now()) return cached.token;

    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: scopes });
    let response;
    try {
      response = await request(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: scope.deadline.signal,
      });
    } catch (error) {
      if (scope.deadline.signal.aborted) throw scope.deadline.timeoutError();
      throw connectionError(scope.errors, tokenUrl, error);
    }
    const body = await response.body.text();
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw providerError({ status: response.statusCode, headers: response.headers, body, url: tokenUrl }, scope.errors);
    }
    let parsed;
    try {
      parsed = tokenResponseSchema.safeParse(JSON.parse(body));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) throw providerError({ status: 502, headers: {}, body: '', url: tokenUrl }, scope.errors);
    const lifetimeMs = (parsed.data.expires_in ?? 3600) * 1000;
    this.tokens.set(cacheKey, { token: parsed.data.access_token, expiresAt: Date.now() + lifetimeMs - EXPIRY_MARGIN_MS });
    return parsed.data.access_token;
  }
}
