/**
 * Reranking on the Discovery Engine ranking API, as Elasticsearch's GoogleVertexAiRerankRequest sends it:
 * `{"model","query","records":[{"id":"<index>","content"}],"topN","ignoreRecordDetailsInResponse"}`, read from
 * `records[*].{id,score,content}` (GoogleVertexAiRerankResponseEntity), the ids being the inputs' indexes.
 */
import { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient, RequestOptions } from '../kit/provider-client';
import { serviceSettings, taskSettings } from '../kit/settings';
import type { RerankInput, RerankResult } from '../types';
import { rankUrl } from './urls';
import { googleErrorDetails, googleVertexAiStatusPolicy } from './wire';

const options: RequestOptions = {
  name: 'Google Vertex AI rerank',
  policy: googleVertexAiStatusPolicy,
  errorDetails: googleErrorDetails,
};

// Records carrying no score or id are refused, as Elasticsearch refuses them.
const recordsSchema = z
  .object({ records: z.array(z.object({ id: z.string(), score: z.number(), content: z.string().optional() }).passthrough()) })
  .describe('Failed to find required field [records] in Google Vertex AI rerank response');

export function rankBody(context: CallContext, { input, query, topN, returnDocuments }: RerankInput): Record<string, unknown> {
  const model = serviceSettings<'GoogleVertexAiRerankServiceSettings'>(context).model_id;
  const n = topN ?? taskSettings<'GoogleVertexAiRerankTaskSettings'>(context).top_n;
  return {
    ...(model === undefined ? {} : { model }),
    query,
    records: input.map((content, index) => ({ id: String(index), content })),
    ...(n === undefined ? {} : { topN: n }),
    ...(returnDocuments === undefined ? {} : { ignoreRecordDetailsInResponse: !returnDocuments }),
  };
}

export async function vertexRerank(client: ProviderClient, context: CallContext, rerank: RerankInput): Promise<RerankResult> {
  const answer = await client.postJson(context, rankUrl(context), rankBody(context, rerank), recordsSchema, options);
  const ranked: RerankResult['rerank'] = [];
  for (const record of answer.records) {
    if (!/^[0-9]+$/.test(record.id) || Number(record.id) >= rerank.input.length) {
      throw client.unreadable(context, options, `Expected numeric value for record ID field in Google Vertex AI rerank response but received [${record.id}]`);
    }
    ranked.push({ index: Number(record.id), relevance_score: record.score, ...(record.content === undefined ? {} : { text: record.content }) });
  }
  // Google returns the records by relevance; Elasticsearch keeps its order.
  return { rerank: ranked };
}
