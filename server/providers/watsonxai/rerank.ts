/**
 * watsonx.ai's rerank API as Elasticsearch's IbmWatsonxRerankRequestEntity sends it:
 * `{"model_id","query","inputs":[{"text"}],"project_id","parameters":{"truncate_input_tokens"?,"return_options":
 * {"inputs"?,"top_n"?}}}`, read by IbmWatsonxRankedResponseEntity (`results[{index, score, input?:{text}}]`).
 * Only the task settings (the request's over the stored ones) shape the request: Elasticsearch passes neither the
 * request's top-level `top_n` nor its `return_documents` to watsonx.
 */
import { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import { failedToSendTask } from '../kit/provider-error';
import type { ProviderClient, RequestOptions } from '../kit/provider-client';
import { rankedAnswer } from '../kit/ranking';
import { serviceSettings, taskSettings } from '../kit/settings';
import type { RerankInput, RerankResult } from '../types';
import { WATSONX_CONTENT_TYPE, watsonxErrorDetails, watsonxStatusPolicy, watsonxUrl } from './wire';

// Elasticsearch's parser refuses a field it does not know in a result, hence `strict`.
const rankedSchema = z
  .object({
    results: z.array(
      z
        .object({
          index: z.number().int().nonnegative(),
          score: z.number(),
          input: z.object({ text: z.string().optional() }).passthrough().optional(),
        })
        .strict(),
    ),
  })
  .describe('Failed to find required field [results] in Watsonx rerank response');

const optional = (name: string, value: unknown) => (value === undefined ? {} : { [name]: value });

export function watsonxRerankBody(context: CallContext, { input, query }: RerankInput): Record<string, unknown> {
  const { model_id: modelId, project_id: projectId } = serviceSettings<'WatsonxaiServiceSettings'>(context);
  const tasks = taskSettings<'WatsonxaiRerankTaskSettings'>(context);
  return {
    model_id: modelId,
    query,
    inputs: input.map((text) => ({ text })),
    project_id: projectId,
    parameters: {
      ...optional('truncate_input_tokens', tasks.truncate_input_tokens),
      return_options: { ...optional('inputs', tasks.return_documents), ...optional('top_n', tasks.top_n) },
    },
  };
}

const failedToSend = failedToSendTask('IBM Watsonx');

export async function watsonxRerank(client: ProviderClient, context: CallContext, rerank: RerankInput): Promise<RerankResult> {
  const options: RequestOptions = {
    name: 'ibm watsonx rerank',
    failedToSend: failedToSend(context, 'rerank'),
    policy: watsonxStatusPolicy,
    errorDetails: watsonxErrorDetails,
    contentType: WATSONX_CONTENT_TYPE,
  };
  const answer = await client.postJson(context, watsonxUrl(context, 'rerank'), watsonxRerankBody(context, rerank), rankedSchema, options);
  const results = answer.results.map(({ index, score, input }) => ({ index, relevance_score: score, text: input?.text }));
  // watsonx ranks by score and keeps `top_n` itself; an index outside the inputs is dropped rather than answered.
  return rankedAnswer(results, rerank.input.length, taskSettings<'WatsonxaiRerankTaskSettings'>(context).top_n);
}
