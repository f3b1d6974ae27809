/**
 * The `llama` service (reference §8.18): a Llama Stack server at the endpoint's `url` — text_embedding on its native
 * embeddings API (`{"model_id","contents"}` in, `{"embeddings"}` out), completion and chat_completion (streamed) on
 * its OpenAI-compatible API. A key is optional.
 */
import { z } from 'zod';
import { numberArray } from '../kit/number-array';
import type { CallContext } from '../../inference/call-context';
import { bearerAuth } from '../kit/auth-headers';
import { failedToSendTask } from '../kit/provider-error';
import { errorDetailsFrom, wholeBodyErrorDetails } from '../kit/error-details';
import { serviceSettings } from '../kit/settings';
import { openAiCompatibleProvider } from '../openai-compatible';
import type { VectorReader } from '../openai-compatible/embedding-model';
import type { InferenceProvider, ProviderDependencies } from '../types';

/** Elasticsearch's EMBEDDING_MAX_BATCH_SIZE for Llama. */
const EMBEDDING_BATCH_SIZE = 20;
const JSON_WITHOUT_CHARSET = 'application/json';

const vectors = z.array(numberArray());
/** Elasticsearch reads Llama's answer as Hugging Face's: vectors, or an object holding them as `embeddings`. */
const llamaVectors: VectorReader<z.ZodTypeAny> = {
  schema: z.union([vectors, z.object({ embeddings: vectors })]).describe('Failed to find required field [embeddings] in Hugging Face embeddings response'),
  vectors: (answer: z.infer<typeof vectors> | { embeddings: z.infer<typeof vectors> }, count) => {
    const list = Array.isArray(answer) ? answer : answer.embeddings;
    return list.length === count ? list : undefined;
  },
};

/** On the chat route Elasticsearch reads `{"error":{"message"}}` (StreamingLlamaErrorResponseEntity), typed llama_error. */
const llamaChatErrorDetails = errorDetailsFrom(z.object({ error: z.object({ message: z.string().optional() }) }), ({ error }) => ({
  message: error.message ?? 'unknown',
  type: 'llama_error',
}));

const settings = (context: CallContext) => serviceSettings<'LlamaEmbeddingServiceSettings'>(context);
const failedToSend = failedToSendTask('Llama');

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  return openAiCompatibleProvider(http, {
    provider: 'llama',
    headers: bearerAuth,
    // LlamaErrorResponse: the whole body is the message.
    errorDetails: wholeBodyErrorDetails('llama_error'),
    // Llama's size is the model's: the returned one replaces a given `dimensions`, which is never sent.
    embeddingValidation: { defaultSimilarity: 'cosine', userDimensionsMustMatch: false },
    embeddings: {
      url: (context) => settings(context).url,
      batchSize: EMBEDDING_BATCH_SIZE,
      requestName: 'llama text embedding',
      failedToSend: (context) => failedToSend(context, 'text_embedding'),
      contentType: JSON_WITHOUT_CHARSET,
      reader: llamaVectors,
      body: (context, input) => ({ model_id: settings(context).model_id, contents: input }),
    },
    chat: {
      url: (context) => settings(context).url,
      model: (context) => settings(context).model_id,
      tokenLimitField: 'max_tokens',
      streamOptions: false,
      requestName: 'Llama completions',
      failedToSend,
      contentType: JSON_WITHOUT_CHARSET,
      chatErrors: { errorDetails: llamaChatErrorDetails },
    },
  });
}
