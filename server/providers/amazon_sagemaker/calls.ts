/** Each task type's call, on the api of the endpoint: the body it sends, the operation, how the answer is read. */
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient } from '../kit/provider-client';
import { completionDeltas, toChunk } from '../openai-compatible/chat-results';
import { chatChunkSchema } from '../openai-compatible/schemas';
import type { ChatCompletionChunk, ChatCompletionRequest, CompletionResult, CompletionStreamEvent, RerankInput, RerankResult, SparseEmbeddingResult, TextEmbeddingResult } from '../types';
import * as answers from './answers';
import { elasticBody, elasticChatBody, elasticRerankBody, openAiChatBody, openAiCompletionBody, openAiEmbeddingBody } from './bodies';
import { invoke, invokeStream } from './invoke';
import { DEFAULT_BATCH_SIZE, apiOf, settingsOf } from './settings';

export interface SageMakerCalls {
  textEmbedding(context: CallContext, input: string[], inputType?: string): Promise<TextEmbeddingResult>;
  sparseEmbedding(context: CallContext, input: string[], inputType?: string): Promise<SparseEmbeddingResult>;
  rerank(context: CallContext, input: RerankInput): Promise<RerankResult>;
  completion(context: CallContext, input: string[], inputType?: string): Promise<CompletionResult>;
  streamCompletion(context: CallContext, input: string[]): AsyncIterable<CompletionStreamEvent>;
  streamChatCompletion(context: CallContext, request: ChatCompletionRequest): AsyncIterable<ChatCompletionChunk>;
}

const RESULT_KEYS = { float: 'text_embedding', byte: 'text_embedding_bytes', bit: 'text_embedding_bits' } as const;

export function sageMakerCalls(client: ProviderClient): SageMakerCalls {
  const batches = <R>(context: CallContext, input: string[], kind: string, inputType: string | undefined, send: (shared: CallContext, batch: string[]) => Promise<R[]>) =>
    client.batches({ context, items: input, size: settingsOf(context).batch_size ?? DEFAULT_BATCH_SIZE, kind, parameters: inputType, send });

  return {
    async textEmbedding(context, input, inputType) {
      if (apiOf(context) === 'openai') {
        const vectors = await batches(context, input, 'openai embeddings', inputType, async (shared, batch) =>
          answers.openAiEmbeddings(await invoke(client, shared, openAiEmbeddingBody(shared, batch)), batch.length),
        );
        return { text_embedding: vectors };
      }
      const elementType = (settingsOf(context).element_type ?? 'float') as answers.ElementType;
      const vectors = await batches(context, input, 'elastic embeddings', inputType, async (shared, batch) =>
        answers.elasticEmbeddings(await invoke(client, shared, elasticBody(shared, batch, inputType)), elementType, batch.length),
      );
      return { [RESULT_KEYS[elementType]]: vectors } as TextEmbeddingResult;
    },

    async sparseEmbedding(context, input, inputType) {
      apiOf(context);
      const embeddings = await batches(context, input, 'elastic sparse embeddings', inputType, async (shared, batch) =>
        answers.elasticSparse(await invoke(client, shared, elasticBody(shared, batch, inputType)), batch.length),
      );
      return { sparse_embedding: embeddings };
    },

    async rerank(context, input) {
      apiOf(context);
      return answers.elasticRerank(await invoke(client, context, elasticRerankBody(context, input)), input.input.length);
    },

    async completion(context, input, inputType) {
      if (apiOf(context) === 'openai') return answers.openAiCompletion(await invoke(client, context, openAiCompletionBody(context, input, false)));
      return answers.elasticCompletion(await invoke(client, context, elasticBody(context, input, inputType)));
    },

    async *streamCompletion(context, input) {
      if (apiOf(context) === 'openai') {
        for await (const chunk of invokeStream(client, context, openAiCompletionBody(context, input, true), chatChunkSchema)) {
          const deltas = completionDeltas(chunk);
          if (deltas.length > 0) yield { completion: deltas };
        }
        return;
      }
      for await (const chunk of invokeStream(client, context, elasticBody(context, input), answers.elasticCompletionChunkSchema)) {
        const deltas = Array.isArray(chunk.completion) ? chunk.completion : [chunk.completion];
        if (deltas.length > 0) yield { completion: deltas };
      }
    },

    async *streamChatCompletion(context, request) {
      const body = apiOf(context) === 'openai' ? openAiChatBody(context, request) : elasticChatBody(request);
      for await (const chunk of invokeStream(client, context, body, chatChunkSchema)) yield toChunk(chunk);
    },
  };
}
