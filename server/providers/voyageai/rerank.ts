/** Voyage AI's rerank API as VoyageAIRerankRequestEntity writes it and VoyageAIRerankResponseEntity reads it:
 * `{"model","query","documents","return_documents"?,"top_k"?,"truncation"?}` in, `data[{relevance_score, index,
 * document?}]` out. */
import { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient } from '../kit/provider-client';
import { rankedAnswer } from '../kit/ranking';
import { serviceSettings, taskSettings } from '../kit/settings';
import type { RerankInput, RerankResult } from '../types';
import { JSON_WITHOUT_CHARSET, RERANK_URL, voyageErrorDetails, voyageStatusPolicy } from './wire';

const rankedSchema = z
  .object({
    data: z.array(z.object({ relevance_score: z.number(), index: z.number().int().nonnegative(), document: z.string().nullable().optional() })),
  })
  .describe('Failed to find required field [data] in VoyageAI rerank response');

export async function voyageRerank(client: ProviderClient, context: CallContext, { input, query, topN, returnDocuments }: RerankInput): Promise<RerankResult> {
  // VoyageAIActionCreator builds the rerank request from the stored model, not the one the request's task_settings
  // override: only the request's top-level top_n and return_documents reach Voyage.
  const stored = taskSettings<'VoyageAiRerankTaskSettings'>({ ...context, taskSettings: context.endpoint.taskSettings });
  const returned = returnDocuments ?? stored.return_documents;
  const topK = topN ?? stored.top_k;
  const body = {
    model: serviceSettings<'VoyageAiServiceSettings'>(context).model_id,
    query,
    documents: input,
    ...(returned === undefined ? {} : { return_documents: returned }),
    ...(topK === undefined ? {} : { top_k: topK }),
    ...(stored.truncation === undefined ? {} : { truncation: stored.truncation }),
  };
  const answer = await client.postJson(context, RERANK_URL, body, rankedSchema, {
    name: 'voyageai rerank',
    failedToSend: 'Failed to send VoyageAI rerank request',
    policy: voyageStatusPolicy,
    errorDetails: voyageErrorDetails,
    contentType: JSON_WITHOUT_CHARSET,
  });
  const results = answer.data.map(({ index, relevance_score, document }) => ({ index, relevance_score, text: typeof document === 'string' ? document : undefined }));
  return rankedAnswer(results, input.length, topK);
}
