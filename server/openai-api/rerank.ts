/** POST /v1/rerank: Cohere's and Jina's rerank shape over a rerank endpoint. */
import { callContext, runCall } from '../inference/call';
import { callTimeout, clientGoneSignal, type Handler } from '../api/context';
import type { components } from '../../generated/openapi';
import { modelEndpoint, openAiBody } from './openai-request';

type RerankRequest = components['schemas']['OpenAiRerankRequest'];
type RerankResponse = components['schemas']['OpenAiRerankResponse'];

export const openAiRerank: Handler = async (request, response, context) => {
  const body = openAiBody<RerankRequest>(request, context, 'openAiRerank');
  const endpoint = modelEndpoint(context, body.model, ['rerank'], '/v1/rerank');
  const documents = body.documents.map((document) => (typeof document === 'string' ? document : document.text));
  const provider = context.providers.get(endpoint.service);
  const call = callContext(endpoint, endpoint.taskSettings, callTimeout(request, context, 'rerank'), clientGoneSignal(response));
  const result = await runCall(call, () => provider.rerank!(call, { input: documents, query: body.query, topN: body.top_n, returnDocuments: body.return_documents }));
  // The documents come from the request: whatever the provider returns, each result quotes its own input.
  const answer: RerankResponse = {
    model: body.model,
    results: result.rerank.map(({ index, relevance_score }) => ({
      index,
      relevance_score,
      ...(body.return_documents ? { document: { text: documents[index] } } : {}),
    })),
  };
  response.json(answer);
};
