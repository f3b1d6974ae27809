/** Text Embeddings Inference's rerank (HuggingFaceRerankRequestEntity / HuggingFaceRerankResponseEntity):
 * `{"texts","query","return_text"?,"top_n"?}` in, `[{index, score, text?}]` out; Elasticsearch sorts the answer by
 * score and keeps the first `top_n` (the request's, else the stored task setting). */
import { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient } from '../kit/provider-client';
import { failedToSendTask } from '../kit/provider-error';
import { serviceSettings, taskSettings } from '../kit/settings';
import type { RerankInput, RerankResult } from '../types';
import { huggingFaceStatusPolicy, JSON_WITHOUT_CHARSET } from './wire';

const rankedSchema = z
  .array(z.object({ index: z.number().int().nonnegative(), score: z.number(), text: z.string().nullable().optional() }))
  .describe('Failed to parse the Hugging Face rerank response: expected an array of [index, score] objects');

export async function huggingFaceRerank(client: ProviderClient, context: CallContext, { input, query, topN, returnDocuments }: RerankInput): Promise<RerankResult> {
  // The body is built from the stored endpoint: a request's own task_settings do not reach it; its top-level
  // top_n and return_documents do.
  const stored = taskSettings<'HuggingFaceRerankTaskSettings'>({ ...context, taskSettings: context.endpoint.taskSettings });
  const returnText = returnDocuments ?? stored.return_documents;
  const limit = topN ?? stored.top_n;
  const body = {
    texts: input,
    query,
    ...(returnText === undefined ? {} : { return_text: returnText }),
    ...(limit === undefined ? {} : { top_n: limit }),
  };
  const answer = await client.postJson(context, serviceSettings<'HuggingFaceServiceSettings'>(context).url, body, rankedSchema, {
    name: 'hugging face rerank',
    failedToSend: failedToSendTask('Hugging Face')(context, 'rerank'),
    policy: huggingFaceStatusPolicy,
    contentType: JSON_WITHOUT_CHARSET,
  });
  const ranked = [...answer].sort((a, b) => b.score - a.score).slice(0, limit ?? answer.length);
  return { rerank: ranked.map(({ index, score, text }) => ({ index, relevance_score: score, ...(typeof text === 'string' ? { text } : {}) })) };
}
