/** The `openai` service (reference §8.1): OpenAI, or any server that speaks its API at the endpoint's `url`. */
import { statusException } from '../../http/errors';
import type { Settings } from '../../store/endpoint-store';
import type { CallContext, InferenceProvider, ProviderDependencies } from '../types';
import { OpenAiAuth } from './openai-auth';
import { OpenAiChatModel } from './openai-chat-model';
import { OpenAiEmbeddingModel } from './openai-embedding-model';

const VALIDATION_INPUT = ['how big'];

async function validateTextEmbedding(embeddings: OpenAiEmbeddingModel, context: CallContext): Promise<Settings> {
  const result = await embeddings.embed(context, { input: VALIDATION_INPUT });
  const dimensions = result.text_embedding?.[0]?.embedding.length ?? 0;
  const { serviceSettings, internal, inferenceId } = context.endpoint;
  if (internal.dimensions_set_by_user && serviceSettings.dimensions !== dimensions) {
    throw statusException(
      400,
      `The retrieved embeddings size [${dimensions}] does not match the size specified in the settings [${String(serviceSettings.dimensions)}]. Please recreate the [${inferenceId}] configuration with the correct dimensions`,
    );
  }
  return { similarity: serviceSettings.similarity ?? 'dot_product', dimensions };
}

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const auth = new OpenAiAuth();
  const embeddings = new OpenAiEmbeddingModel(http, auth);
  const chat = new OpenAiChatModel(http, auth);
  return {
    textEmbedding: (context, input) => embeddings.embed(context, input),
    completion: (context, { input }) => chat.completion(context, input),
    streamCompletion: (context, { input }) => chat.streamCompletion(context, input),
    chatCompletion: (context, request) => chat.chat(context, request),
    streamChatCompletion: (context, request) => chat.streamChat(context, request),
    async validateEndpoint(context) {
      switch (context.endpoint.taskType) {
        case 'text_embedding':
          return validateTextEmbedding(embeddings, context);
        case 'completion':
          await chat.completion(context, VALIDATION_INPUT);
          return {};
        default:
          await chat.chat(context, { messages: [{ role: 'user', content: VALIDATION_INPUT[0] }], max_completion_tokens: 1 });
          return {};
      }
    },
  };
}
