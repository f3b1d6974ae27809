/**
 * The `contextualai` service (reference §8.19): rerank on Contextual AI's API, `POST https://api.contextual.ai/v1/rerank`
 * with `{"query","model","top_n"?,"instruction"?,"documents"}` (Elasticsearch's key order) and a Bearer key, read
 * as `results[{index, relevance_score}]`. As Elasticsearch does it: the request's task settings override the stored
 * ones, the request's `top_n` wins over both, and the answer is sorted by relevance and cut to `top_n`.
 */
import { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import { shortestFloat32 } from '../../inference/float32-format';
import { bearerAuth } from '../kit/auth-headers';
import { ProviderClient } from '../kit/provider-client';
import { indexesWithin, rankedByRelevance } from '../kit/ranking';
import { serviceSettings, taskSettings } from '../kit/settings';
import { AUTHENTICATION, RATE_LIMIT, REDIRECTION, SERVER_ERROR, UNSUCCESSFUL, type StatusPolicy } from '../kit/status-policy';
import type { InferenceProvider, ProviderDependencies, RerankInput, RerankResult } from '../types';

export const CONTEXTUAL_AI_RERANK_URL = 'https://api.contextual.ai/v1/rerank';

const REQUEST = { name: 'ContextualAI rerank', failedToSend: 'Failed to send ContextualAI rerank request', contentType: 'application/json' };

/** ContextualAiResponseHandler: 500 and 503 are retried, other 5xx are not; 429 is retried; any other 4xx but 401 is
 * "unsuccessful". */
export const contextualAiStatusPolicy: StatusPolicy = ({ status }) => {
  if (status === 500 || status === 503) return { prefix: SERVER_ERROR, retry: 'yes' };
  if (status > 500) return { prefix: SERVER_ERROR, retry: 'no' };
  if (status === 429) return { prefix: RATE_LIMIT, retry: 'yes' };
  if (status === 401) return { prefix: AUTHENTICATION, retry: 'no' };
  if (status >= 300 && status < 400) return { prefix: REDIRECTION, retry: 'no' };
  return { prefix: UNSUCCESSFUL, retry: 'no' };
};

const resultsSchema = z
  .object({ results: z.array(z.object({ index: z.number().int().nonnegative(), relevance_score: z.number() }).passthrough()) })
  .describe('Required [results]');

/** The body in Elasticsearch's key order (ContextualAiRerankRequestEntity); absent fields are left out. */
export function contextualAiRerankBody(model: string, query: string, documents: string[], topN?: number, instruction?: string): Record<string, unknown> {
  return {
    query,
    model,
    ...(topN === undefined ? {} : { top_n: topN }),
    ...(instruction === undefined ? {} : { instruction }),
    documents,
  };
}

export function createProvider({ http }: ProviderDependencies): InferenceProvider {
  const client = new ProviderClient(http, { provider: 'contextualai', headers: bearerAuth });

  async function rerank(context: CallContext, { input, query, topN, returnDocuments }: RerankInput): Promise<RerankResult> {
    const settings = serviceSettings<'ContextualAiServiceSettings'>(context);
    const { top_n: storedTopN, top_k: topK, instruction } = taskSettings<'ContextualAiRerankTaskSettings'>(context);
    const limit = topN ?? storedTopN ?? topK;
    const body = contextualAiRerankBody(settings.model_id, query, input, limit, instruction);
    const answer = await client.postJson(context, CONTEXTUAL_AI_RERANK_URL, body, resultsSchema, { ...REQUEST, policy: contextualAiStatusPolicy });
    if (!indexesWithin(answer.results, input.length)) throw client.unreadable(context, { ...REQUEST, policy: contextualAiStatusPolicy }, 'a result index is not one of the documents');
    const scores = answer.results.map(({ index, relevance_score: score }) => ({ index, relevance_score: shortestFloat32(score) }));
    return rankedByRelevance(scores, input, limit, returnDocuments === true);
  }

  return { rerank };
}
