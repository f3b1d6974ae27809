/** Azure OpenAI's auth: `api-key: <api_key>`, or `Authorization: Bearer` with a Microsoft Entra ID token — given
 * (`entra_id`) or got by the client-credentials grant from the tenant's token endpoint (the `azure-entra` origin). */
import { EsError, statusException } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import { ClientCredentialsTokens, type ClientCredentials } from '../kit/client-credentials';
import type { ProviderClient } from '../kit/provider-client';
import { serviceSettings } from '../kit/settings';

type Settings = ReturnType<typeof serviceSettings<'AzureOpenAiChatServiceSettings'>>;

function grantOf(settings: Settings): ClientCredentials {
  return {
    tokenUrl: `https://login.microsoftonline.com/${encodeURIComponent(settings.tenant_id!)}/oauth2/v2.0/token`,
    clientId: settings.client_id!,
    clientSecret: settings.client_secret!,
    scopes: settings.scopes!,
    originName: 'azure-entra',
  };
}

export class AzureAuth {
  private readonly tokens = new ClientCredentialsTokens();

  async headers(context: CallContext, client: ProviderClient): Promise<Record<string, string>> {
    const settings = serviceSettings<'AzureOpenAiChatServiceSettings'>(context);
    if (settings.api_key) return { 'api-key': settings.api_key };
    if (settings.entra_id) return { Authorization: `Bearer ${settings.entra_id}` };
    try {
      return { Authorization: `Bearer ${await this.tokens.token(context, client, grantOf(settings))}` };
    } catch (error) {
      if (!(error instanceof EsError) || error.status === 408 || error.status === 499) throw error;
      throw statusException(error.status, `Failed attempting to retrieve access token for Azure OpenAI request for inference id: [${context.endpoint.inferenceId}]`, {
        causedBy: error,
      });
    }
  }

  /** A 401 answered with an access token: the token is no longer good. */
  rejected(context: CallContext): void {
    const settings = serviceSettings<'AzureOpenAiChatServiceSettings'>(context);
    if (settings.client_secret) this.tokens.forget(context, grantOf(settings));
  }

  /** The endpoint changed or is gone: its token is not used again. */
  forgetEndpoint(inferenceId: string): void {
    this.tokens.forgetEndpoint(inferenceId);
  }
}
