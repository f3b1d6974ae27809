/** Jina AI's rerank API as JinaAIRerankRequestEntity writes it (Cohere's field names: `top_n`, `return_documents`)
 * and JinaAIRerankResponseEntity reads it: `results[{index, relevance_score, document?}]`, the document an object
 * with `text` or a plain string. */
import { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import { cohereRerankBody } from '../cohere-compatible/rerank';
import type { ProviderClient } from '../kit/provider-client';
import { rankedAnswer } from '../kit/ranking';
import { serviceSettings, taskSettings } from '../kit/settings';
import type { RerankInput, RerankResult } from '../types';
import { JSON_WITHOUT_CHARSET, RERANK_URL, jinaErrorDetails, jinaStatusPolicy } from './wire';

const rankedSchema = z
  .object({
    results: z.array(
      z.object({
        index: z.number().int().nonnegative(),
        relevance_score: z.number(),
        document: z.union([z.object({ text: z.string() }), z.string()]).nullable().optional(),
      }),
    ),
  })
  .describe('Failed to find required field [results] in JinaAI rerank response');

const textOf = (document: { text: string } | string | null | undefined) => (typeof document === 'string' ? document : document?.text);

export async function jinaRerank(client: ProviderClient, context: CallContext, { input, query, topN, returnDocuments }: RerankInput): Promise<RerankResult> {
  // The request's own task_settings are merged over the stored ones (JinaAIRerankModel.of); its top level wins.
  const settings = taskSettings<'JinaAiRerankTaskSettings'>(context);
  const top = topN ?? settings.top_n;
  const body = cohereRerankBody({
    model: serviceSettings<'JinaAiServiceSettings'>(context).model_id,
    query,
    documents: input,
    topN: top,
    returnDocuments: returnDocuments ?? settings.return_documents,
  });
  const answer = await client.postJson(context, RERANK_URL, body, rankedSchema, {
    name: 'jinaai rerank',
    failedToSend: 'Failed to send JinaAI rerank request',
    policy: jinaStatusPolicy,
    errorDetails: jinaErrorDetails,
    contentType: JSON_WITHOUT_CHARSET,
  });
  const results = answer.results.map(({ index, relevance_score, document }) => ({ index, relevance_score, text: textOf(document) }));
  return rankedAnswer(results, input.length, top);
}
