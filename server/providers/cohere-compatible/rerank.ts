/** Cohere's rerank wire, which other services reuse (OpenShift AI): `{"model","query","documents","top_n",
 * "return_documents"}` in, `results[{index, relevance_score, document?}]` out, read by Elasticsearch's
 * CohereResponseHandler and CohereRankedResponseEntity. */
import { z } from 'zod';
import { errorDetailsFrom } from '../kit/error-details';
import { AUTHENTICATION, RATE_LIMIT, REDIRECTION, SERVER_ERROR, UNSUCCESSFUL, type StatusPolicy } from '../kit/status-policy';
import type { RerankResult } from '../types';

/** CohereResponseHandler: 500 and 429 are retried (a 503 is not); any 4xx but 401 and 429 is "unsuccessful". */
export const cohereStatusPolicy: StatusPolicy = ({ status, body }) => {
  if (status === 500) return { prefix: SERVER_ERROR, retry: 'yes' };
  if (status > 500) return { prefix: SERVER_ERROR, retry: 'no' };
  if (status === 429) return { prefix: RATE_LIMIT, retry: 'yes' };
  if (status === 400 && body.includes('invalid request: total number of texts must be at most')) {
    return { prefix: 'Received a texts array too large response', retry: 'no' };
  }
  if (status === 401) return { prefix: AUTHENTICATION, retry: 'no' };
  if (status >= 300 && status < 400) return { prefix: REDIRECTION, retry: 'no' };
  return { prefix: UNSUCCESSFUL, retry: 'no' };
};

/** CohereErrorResponseEntity: the top-level `message`. */
export const cohereErrorDetails = errorDetailsFrom(z.object({ message: z.string() }), ({ message }) => ({ message }));

export const cohereRankedSchema = z
  .object({
    results: z.array(
      z.object({
        index: z.number().int().nonnegative(),
        relevance_score: z.number(),
        document: z.object({ text: z.string() }).nullable().optional(),
      }),
    ),
  })
  .describe('Failed to find required field [results] in Cohere rerank response');

export interface CohereRerankRequest {
  model?: string;
  query: string;
  documents: string[];
  topN?: number;
  returnDocuments?: boolean;
}

/** The body in Elasticsearch's key order; absent fields are left out. */
export function cohereRerankBody({ model, query, documents, topN, returnDocuments }: CohereRerankRequest): Record<string, unknown> {
  return {
    ...(model === undefined ? {} : { model }),
    query,
    documents,
    ...(topN === undefined ? {} : { top_n: topN }),
    ...(returnDocuments === undefined ? {} : { return_documents: returnDocuments }),
  };
}

/** The ranking in the provider's order, with the text of the documents it returned. */
export function rankedDocuments(answer: z.infer<typeof cohereRankedSchema>): RerankResult {
  return {
    rerank: answer.results.map(({ index, relevance_score, document }) => ({ index, relevance_score, ...(document ? { text: document.text } : {}) })),
  };
}
