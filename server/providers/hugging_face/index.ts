/**
 * The `hugging_face` service (reference §8.7): text_embedding and rerank on a Hugging Face Inference Endpoint's own
 * wire, completion and chat_completion (streamed) on its OpenAI-compatible chat API, each at the endpoint's `url` as
 * given. Errors read as `{"error": "<text>"}`, typed `hugging_face_error` on the chat route.
 */
import type { CallContext } from '../../inference/call-context';
import { bearerAuth } from '../kit/auth-headers';
import { failedToSendTask } from '../kit/provider-error';
import { serviceSettings } from '../kit/settings';
import { openAiCompatibleProvider } from '../openai-compatible';
import { openAiErrorDetails } from '../openai-compatible/schemas';
import type { InferenceProvider, ProviderDependencies } from '../types';
import { huggingFaceVectors } from './embeddings';
import { huggingFaceRerank } from './rerank';
import { huggingFaceErrorDetails, huggingFaceStatusPolicy, JSON_WITHOUT_CHARSET } from './wire';

/** Elasticsearch's EMBEDDING_MAX_BATCH_SIZE for Hugging Face: conservatively small, the deployment being unknown. */
const EMBEDDING_BATCH_SIZE = 20;

const failedToSend = failedToSendTask('Hugging Face');
const chatSettings = (context: CallContext) => serviceSettings<'HuggingFaceChatServiceSettings'>(context);

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const provider = openAiCompatibleProvider(http, {
    provider: 'hugging_face',
    headers: bearerAuth,
    errorDetails: huggingFaceErrorDetails,
    // The validation call's size replaces a user's dimensions; similarity defaults to cosine.
    embeddingValidation: { defaultSimilarity: 'cosine', userDimensionsMustMatch: false },
    embeddings: {
      url: (context) => serviceSettings<'HuggingFaceEmbeddingServiceSettings'>(context).url,
      batchSize: EMBEDDING_BATCH_SIZE,
      requestName: 'hugging face text embeddings',
      failedToSend: (context) => failedToSend(context, 'text_embedding'),
      body: (_context, input) => ({ inputs: input }),
      reader: huggingFaceVectors,
      policy: huggingFaceStatusPolicy,
      contentType: JSON_WITHOUT_CHARSET,
    },
    chat: {
      url: (context) => chatSettings(context).url,
      model: (context) => chatSettings(context).model_id,
      tokenLimitField: 'max_tokens',
      streamOptions: true,
      requestName: 'Hugging Face completions',
      chatRequestName: 'hugging face chat completion',
      failedToSend,
      contentType: JSON_WITHOUT_CHARSET,
      // completion uses OpenAI's chat handler (and error body); only the unified chat route reads Hugging Face's.
      completionErrors: { errorDetails: openAiErrorDetails },
      chatErrors: { errorDetails: huggingFaceErrorDetails, unifiedErrorType: 'hugging_face_error' },
    },
  });
  // Not a service of the `embedding` task (reference §8.27).
  const { embedding: _notOffered, ...offered } = provider;
  return { ...offered, rerank: (context, input) => huggingFaceRerank(provider.client, context, input) };
}
