/**
 * Cohere's rerank API as Elasticsearch's CohereV1/V2RerankRequest send it: `{"model","query","documents",
 * "return_documents","top_n","max_chunks_per_doc"}` (the request's top_n and return_documents over the task
 * settings; V1 writes `"model":null` when there is none), read by CohereRankedResponseEntity.
 */
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient } from '../kit/provider-client';
import { taskSettings } from '../kit/settings';
import type { RerankInput, RerankResult } from '../types';
import { cohereErrorDetails, cohereRankedSchema, cohereStatusPolicy, rankedDocuments } from '../cohere-compatible/rerank';
import { apiVersionOf, cohereUrl, modelOf } from './api-version';

const optional = (name: string, value: unknown) => (value === undefined ? {} : { [name]: value });

export function cohereRerankBody(context: CallContext, { input, query, topN, returnDocuments }: RerankInput): Record<string, unknown> {
  const stored = taskSettings<'CohereRerankTaskSettings'>(context);
  return {
    model: modelOf(context) ?? (apiVersionOf(context) === 'V1' ? null : undefined),
    query,
    documents: input,
    ...optional('return_documents', returnDocuments ?? stored.return_documents),
    ...optional('top_n', topN ?? stored.top_n),
    ...optional('max_chunks_per_doc', stored.max_chunks_per_doc),
  };
}

/** The ranking by relevance, at most `top_n` long (whatever the provider sent), indexes into the request's input. */
export async function cohereRerank(client: ProviderClient, context: CallContext, rerank: RerankInput): Promise<RerankResult> {
  const body = cohereRerankBody(context, rerank);
  const answer = await client.postJson(context, cohereUrl(context, 'rerank'), body, cohereRankedSchema, {
    name: 'cohere rerank',
    failedToSend: 'Failed to send Cohere rerank request',
    policy: cohereStatusPolicy,
    errorDetails: cohereErrorDetails,
    contentType: 'application/json',
  });
  const inRange = { results: answer.results.filter(({ index }) => index < rerank.input.length) };
  // Cohere's V2 API returns no documents: the text asked for is the request's own.
  const withText = body.return_documents === true;
  const ranked = rankedDocuments(inRange)
    .rerank.map((entry) => (withText && entry.text === undefined ? { ...entry, text: rerank.input[entry.index] } : entry))
    .sort((a, b) => b.relevance_score - a.relevance_score);
  const limit = typeof body.top_n === 'number' ? body.top_n : undefined;
  return { rerank: limit === undefined ? ranked : ranked.slice(0, limit) };
}
