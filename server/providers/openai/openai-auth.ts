/** OpenAI's request headers: `Authorization: Bearer` with the API key or an OAuth2 access token (client-credentials
 * grant at the endpoint's `token_url`), and `OpenAI-Organization`. */
import type { CallContext } from '../../inference/call-context';
import { ClientCredentialsTokens, type ClientCredentials } from '../kit/client-credentials';
import type { ProviderClient } from '../kit/provider-client';
import { serviceSettings } from '../kit/settings';

type Settings = ReturnType<typeof serviceSettings<'OpenAiChatServiceSettings'>>;

/** The user's `token_url` is an auth endpoint of its own (`openai-oauth` in INFERGATE_UPSTREAM_ORIGINS): the client
 * secret does not follow the `openai` origin to an LLM gateway. */
function grantOf(settings: Settings): ClientCredentials {
  return {
    tokenUrl: settings.token_url!,
    clientId: settings.client_id!,
    clientSecret: settings.client_secret!,
    scopes: settings.scopes!,
    originName: 'openai-oauth',
  };
}

export class OpenAiAuth {
  private readonly tokens = new ClientCredentialsTokens();

  async headers(context: CallContext, client: ProviderClient): Promise<Record<string, string>> {
    const settings = serviceSettings<'OpenAiChatServiceSettings'>(context);
    const bearer = settings.api_key ?? (await this.tokens.token(context, client, grantOf(settings)));
    const headers: Record<string, string> = { Authorization: `Bearer ${bearer}` };
    if (settings.organization_id) headers['OpenAI-Organization'] = settings.organization_id;
    return headers;
  }

  /** A 401 answered with an access token: the token is no longer good. */
  rejected(context: CallContext): void {
    const settings = serviceSettings<'OpenAiChatServiceSettings'>(context);
    if (!settings.api_key && settings.client_secret) this.tokens.forget(context, grantOf(settings));
  }

  /** The endpoint changed or is gone: its token is not used again. */
  forgetEndpoint(inferenceId: string): void {
    this.tokens.forgetEndpoint(inferenceId);
  }
}
