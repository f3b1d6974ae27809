/** NVIDIA's reranking API: `{"model","query":{"text"},"passages":[{"text"}]}` in, `rankings[{index, logit}]` out.
 * As Elasticsearch reads it: the logit is the score, NVIDIA's order is kept, no text, no `top_n`. */
import { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import type { ProviderClient } from '../kit/provider-client';
import { failedToSendTask } from '../kit/provider-error';
import { serviceSettings } from '../kit/settings';
import { openAiStatusPolicy } from '../kit/status-policy';
import type { RerankInput, RerankResult } from '../types';

const rankingsSchema = z
  .object({ rankings: z.array(z.object({ index: z.number().int().nonnegative(), logit: z.number() })) })
  .describe('Required [rankings]');

export async function nvidiaRerank(client: ProviderClient, context: CallContext, { input, query }: RerankInput): Promise<RerankResult> {
  const settings = serviceSettings<'NvidiaServiceSettings'>(context);
  const body = { model: settings.model_id, query: { text: query }, passages: input.map((text) => ({ text })) };
  const answer = await client.postJson(context, settings.url!, body, rankingsSchema, {
    name: 'Nvidia rerank',
    failedToSend: failedToSendTask('Nvidia')(context, 'rerank'),
    policy: openAiStatusPolicy,
    contentType: 'application/json',
  });
  return { rerank: answer.rankings.map(({ index, logit }) => ({ index, relevance_score: logit })) };
}
