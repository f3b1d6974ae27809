/**
 * What an Amazon Bedrock endpoint is made of, as Elasticsearch's AmazonBedrockServiceSettings and
 * AmazonBedrockProviderCapabilities decide it: the model's provider (stored, and shown, in upper case: ES writes
 * `provider.name()`), which task types and settings each provider takes, the Runtime host of the region, and the
 * SigV4 signer of the endpoint's keys.
 */
import { statusException } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import type { Settings } from '../../store/endpoint-store';
import { sigV4Signer } from '../kit/aws/sigv4';
import type { RequestSigner } from '../kit/http-transport';
import { serviceSettings } from '../kit/settings';

export type BedrockProvider = 'amazontitan' | 'anthropic' | 'ai21labs' | 'cohere' | 'meta' | 'mistral';

const EMBEDDING_PROVIDERS: readonly BedrockProvider[] = ['amazontitan', 'cohere'];
const CHAT_PROVIDERS: readonly BedrockProvider[] = ['amazontitan', 'anthropic', 'ai21labs', 'cohere', 'meta', 'mistral'];
/** The providers whose models take `top_k` (chatCompletionProvidersWithTopK). */
export const TOP_K_PROVIDERS: readonly BedrockProvider[] = ['anthropic', 'cohere', 'mistral'];

/** Texts one InvokeModel call takes (embeddingsMaxBatchSize): Titan embeds one text a call. */
export const EMBEDDING_BATCH_SIZE: Readonly<Record<string, number>> = { amazontitan: 1, cohere: 96 };

/** getProviderDefaultSimilarityMeasure. */
export const defaultSimilarity = (context: CallContext) => (providerOf(context) === 'cohere' ? 'dot_product' : 'cosine');

export const providerOf = (context: CallContext): BedrockProvider =>
  String(context.endpoint.serviceSettings.provider).toLowerCase() as BedrockProvider;

/** The host of the region's Bedrock Runtime, and the path of an operation on the model (the SDK escapes the model
 * id as one path segment: `:` of a version and `/` of an ARN included; the spec refuses `.` and `..`). */
export function runtimeUrl(context: CallContext, operation: 'invoke' | 'converse' | 'converse-stream'): string {
  const { region, model } = serviceSettings<'AmazonBedrockServiceSettings'>(context);
  return `https://bedrock-runtime.${region}.amazonaws.com/model/${encodeURIComponent(model)}/${operation}`;
}

export function signerOf(context: CallContext): RequestSigner {
  const { region, access_key: accessKeyId, secret_key: secretAccessKey } = serviceSettings<'AmazonBedrockServiceSettings'>(context);
  return sigV4Signer('bedrock', region, { accessKeyId, secretAccessKey });
}

function allows(provider: BedrockProvider, taskType: string): boolean {
  if (taskType === 'text_embedding') return EMBEDDING_PROVIDERS.includes(provider);
  return CHAT_PROVIDERS.includes(provider);
}

/**
 * PUT's checks of AmazonBedrockService.createModel, with its messages: the provider serves the task type, `top_k` is
 * one of the provider's completion settings and `truncate` is Cohere's. Returns the settings as stored.
 */
export function newEndpointSettings(context: CallContext): Settings {
  const { taskType, serviceSettings: settings } = context.endpoint;
  const provider = providerOf(context);
  if (!allows(provider, taskType)) throw statusException(400, `The [${taskType}] task type for provider [${provider}] is not available`);
  // Elasticsearch checks top_k for completion endpoints only (its chat_completion branch does not).
  if (taskType === 'completion' && context.taskSettings.top_k !== undefined && !TOP_K_PROVIDERS.includes(provider)) {
    throw statusException(400, `The [top_k] task parameter is not available for provider [${provider}]`);
  }
  if (taskType === 'text_embedding' && provider !== 'cohere' && context.taskSettings.truncate !== undefined) {
    throw statusException(400, `The [text_embedding] task type for provider [${provider}] does not allow [truncate] field`);
  }
  return { ...settings, provider: provider.toUpperCase() };
}
