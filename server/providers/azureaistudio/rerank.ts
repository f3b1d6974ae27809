/**
 * rerank on a serverless Cohere deployment, as Elasticsearch's AzureAiStudioRerankRequest sends it:
 * `{"documents","query","return_documents","top_n"}` in that order (no `model`: the deployment is the model), the
 * request's `return_documents`/`top_n` before the task settings'. The answer is Cohere's ranking, read in its order
 * (AzureAiStudioRerankResponseEntity), errors as AzureMistralOpenAiExternalResponseHandler reads them.
 */
import type { CallContext } from '../../inference/call-context';
import { cohereRankedSchema, rankedDocuments } from '../cohere-compatible/rerank';
import type { ProviderClient } from '../kit/provider-client';
import { taskSettings } from '../kit/settings';
import { azureMistralStatusPolicy } from '../kit/status-policy';
import type { RerankInput, RerankResult } from '../types';
import { requestUrl } from './deployment';

export async function rerank(client: ProviderClient, context: CallContext, { input, query, topN, returnDocuments }: RerankInput): Promise<RerankResult> {
  const stored = taskSettings<'AzureAiStudioRerankTaskSettings'>(context);
  const returned = returnDocuments ?? stored.return_documents;
  const top = topN ?? stored.top_n;
  const body = {
    documents: input,
    query,
    ...(returned === undefined ? {} : { return_documents: returned }),
    ...(top === undefined ? {} : { top_n: top }),
  };
  const answer = await client.postJson(context, requestUrl(context, 'rerank'), body, cohereRankedSchema, {
    name: 'Azure AI Studio rerank',
    policy: azureMistralStatusPolicy,
  });
  return rankedDocuments(answer);
}
