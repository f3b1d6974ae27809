/**
 * The `alibabacloud-ai-search` service (reference §8.13): text_embedding, sparse_embedding, rerank and completion
 * on AlibabaCloud AI Search, one path per task under the user's host and workspace, a Bearer key, and the answers
 * under `result`. Bodies as Elasticsearch sends them: `{"input","input_type"?}` (+ `return_token` for sparse),
 * `{"query","docs"}`, and `{"messages":[user, assistant, user...],"parameters"?}` from the inputs in turn.
 */
import type { CallContext } from '../../inference/call-context';
import { shortestFloat32 } from '../../inference/float32-format';
import { bearerAuth } from '../kit/auth-headers';
import { ProviderClient, type RequestOptions } from '../kit/provider-client';
import { indexesWithin, rankedByRelevance } from '../kit/ranking';
import { taskSettings } from '../kit/settings';
import type { CompletionResult, InferenceProvider, ProviderDependencies, RerankInput, RerankResult } from '../types';
import {
  alibabaErrorDetails,
  alibabaInputType,
  alibabaStatusPolicy,
  completionSchema,
  embeddingsSchema,
  rerankSchema,
  sparseSchema,
  sparseVector,
  taskUrl,
} from './wire';

/** AlibabaCloudSearchServiceFields.EMBEDDING_MAX_BATCH_SIZE. */
const EMBEDDING_BATCH_SIZE = 32;

const options = (what: string): RequestOptions => ({
  name: `AlibabaCloud Search ${what}`,
  policy: alibabaStatusPolicy,
  errorDetails: alibabaErrorDetails,
});
const EMBEDDINGS = options('text embeddings');
const SPARSE = options('sparse embeddings');
const RERANK = options('rerank');
const COMPLETION = options('completion');

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const client = new ProviderClient(http, { provider: 'alibabacloud-ai-search', headers: bearerAuth, errorDetails: alibabaErrorDetails });

  /** One request per batch of inputs; the vectors must be as many as the inputs. */
  async function embed<T>(
    context: CallContext,
    input: string[],
    run: (shared: CallContext, batch: string[]) => Promise<T[]>,
    request: RequestOptions,
    parameters: unknown,
  ): Promise<T[]> {
    return client.batches({
      context,
      items: input,
      size: EMBEDDING_BATCH_SIZE,
      kind: request.name,
      parameters,
      async send(shared, batch) {
        const vectors = await run(shared, batch);
        if (vectors.length !== batch.length) throw client.unreadable(shared, request, `expected [${batch.length}] embeddings, got [${vectors.length}]`);
        return vectors;
      },
    });
  }

  return {
    embeddingValidation: { defaultSimilarity: 'dot_product', userDimensionsMustMatch: false, fixedSimilarity: 'dot_product' },

    async textEmbedding(context, { input, inputType }) {
      const stored = taskSettings<'AlibabaCloudSearchEmbeddingsTaskSettings'>(context).input_type;
      const type = alibabaInputType(inputType, stored);
      const send = async (shared: CallContext, batch: string[]) => {
        const body = { input: batch, ...(type ? { input_type: type } : {}) };
        const answer = await client.postJson(shared, taskUrl(shared, 'text_embedding'), body, embeddingsSchema, EMBEDDINGS);
        return answer.result.embeddings.map(({ embedding }) => embedding.map(shortestFloat32));
      };
      const vectors = await embed(context, input, send, EMBEDDINGS, inputType);
      return { text_embedding: vectors.map((embedding) => ({ embedding })) };
    },

    async sparseEmbedding(context, { input, inputType }) {
      const { input_type: stored, return_token: returnToken } = taskSettings<'AlibabaCloudSearchSparseTaskSettings'>(context);
      const type = alibabaInputType(inputType, stored);
      const send = async (shared: CallContext, batch: string[]) => {
        const body = { input: batch, ...(type ? { input_type: type } : {}), ...(returnToken === undefined ? {} : { return_token: returnToken }) };
        const answer = await client.postJson(shared, taskUrl(shared, 'sparse_embedding'), body, sparseSchema, SPARSE);
        return answer.result.sparse_embeddings.map(({ embedding }) => sparseVector(embedding));
      };
      const vectors = await embed(context, input, send, SPARSE, inputType);
      return { sparse_embedding: vectors.map((embedding) => ({ is_truncated: false, embedding })) };
    },

    async rerank(context, { input, query, topN, returnDocuments }: RerankInput): Promise<RerankResult> {
      // Elasticsearch sends neither top_n nor return_documents: AI Search scores every document; infergate cuts.
      const answer = await client.postJson(context, taskUrl(context, 'rerank'), { query, docs: input }, rerankSchema, RERANK);
      const scores = answer.result.scores.map(({ index, score }) => ({ index, relevance_score: shortestFloat32(score) }));
      if (!indexesWithin(scores, input.length) || scores.some(({ index }) => index < 0)) {
        throw client.unreadable(context, RERANK, 'a result index is not one of the documents');
      }
      return rankedByRelevance(scores, input, topN, returnDocuments === true);
    },

    async completion(context, { input }): Promise<CompletionResult> {
      // AlibabaCloudSearchCompletionTaskSettings.of: a request's parameters are merged key by key over the stored ones.
      const stored = (context.endpoint.taskSettings as { parameters?: Record<string, unknown> }).parameters;
      const requested = taskSettings<'AlibabaCloudSearchCompletionTaskSettings'>(context).parameters;
      const parameters = stored && requested ? { ...stored, ...requested } : (requested ?? stored);
      const messages = input.map((content, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content }));
      const body = { messages, ...(parameters === undefined ? {} : { parameters }) };
      const answer = await client.postJson(context, taskUrl(context, 'completion'), body, completionSchema, COMPLETION);
      return { completion: [{ result: answer.result.text }] };
    },
  };
}
