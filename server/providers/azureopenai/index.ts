/**
 * The `azureopenai` service (reference §8.2): text_embedding, completion and chat_completion (streamed) on an Azure
 * OpenAI deployment, at `https://<resource_name>.openai.azure.com/openai/deployments/<deployment_id>/...
 * ?api-version=<api_version>`. Requests name no model (the deployment is one).
 */
import type { CallContext } from '../../inference/call-context';
import { wholeBodyErrorDetails } from '../kit/error-details';
import { serviceSettings, taskSettings } from '../kit/settings';
import { azureOpenAiStatusPolicy } from '../kit/status-policy';
import { openAiCompatibleProvider } from '../openai-compatible';
import { userSetDimensions } from '../openai-compatible/embedding-model';
import type { InferenceProvider, ProviderDependencies } from '../types';
import { AzureAuth } from './azure-auth';

/** Elasticsearch uses OpenAI's EMBEDDING_MAX_BATCH_SIZE for Azure OpenAI. */
const EMBEDDING_BATCH_SIZE = 2048;

const settings = (context: CallContext) => serviceSettings<'AzureOpenAiEmbeddingServiceSettings'>(context);
const tasks = (context: CallContext) => taskSettings<'AzureOpenAiTaskSettings'>(context);
const user = (context: CallContext) => (tasks(context).user ? { user: tasks(context).user } : {});

function deploymentUrl(context: CallContext, operation: string): string {
  const { resource_name: resource, deployment_id: deployment, api_version: version } = settings(context);
  return `https://${resource}.openai.azure.com/openai/deployments/${encodeURIComponent(deployment)}/${operation}?api-version=${encodeURIComponent(version)}`;
}

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const auth = new AzureAuth();
  const provider = openAiCompatibleProvider(http, {
    provider: 'azureopenai',
    headers: (context) => auth.headers(context, provider.client),
    onAuthenticationFailure: (context) => auth.rejected(context),
    embeddingValidation: { defaultSimilarity: 'dot_product', userDimensionsMustMatch: true },
    embeddings: {
      url: (context) => deploymentUrl(context, 'embeddings'),
      batchSize: EMBEDDING_BATCH_SIZE,
      requestName: 'Azure OpenAI embeddings',
      policy: azureOpenAiStatusPolicy,
      extraHeaders: (context) => tasks(context).headers ?? {},
      // Elasticsearch asks for base64 vectors (a quarter of the bytes) and decodes them.
      body: (context, input) => ({
        input,
        ...user(context),
        ...userSetDimensions(context),
        encoding_format: 'base64',
      }),
    },
    chat: {
      url: (context) => deploymentUrl(context, 'chat/completions'),
      model: () => undefined,
      tokenLimitField: 'max_completion_tokens',
      streamOptions: true,
      extraFields: user,
      extraHeaders: (context) => tasks(context).headers ?? {},
      requestName: 'Azure OpenAI completion',
      completionPolicy: azureOpenAiStatusPolicy,
      // AzureOpenAiCompletionRequestEntity: role before content, `stream` only when streaming, no usage chunk.
      completionBody: (context, input, stream) => ({
        messages: [{ role: 'user', content: input }],
        n: 1,
        ...user(context),
        ...(stream ? { stream: true } : {}),
      }),
      chatErrors: { errorDetails: wholeBodyErrorDetails('azure_openai_error') },
    },
  });
  return {
    ...provider,
    endpointUpdated: async (endpoint) => auth.forgetEndpoint(endpoint.inferenceId),
    endpointRemoved: async (endpoint) => auth.forgetEndpoint(endpoint.inferenceId),
  };
}
