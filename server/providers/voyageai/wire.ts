/** What Voyage AI's two APIs share as Elasticsearch speaks them: the headers, VoyageAIResponseHandler's reading of
 * statuses and VoyageAIErrorResponseEntity's of error bodies (the top-level `detail`). */
import { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import { bearerAuth } from '../kit/auth-headers';
import { errorDetailsFrom } from '../kit/error-details';
import { AUTHENTICATION, RATE_LIMIT, REDIRECTION, SERVER_ERROR, UNSUCCESSFUL, type StatusPolicy } from '../kit/status-policy';

export const EMBEDDINGS_URL = 'https://api.voyageai.com/v1/embeddings';
export const RERANK_URL = 'https://api.voyageai.com/v1/rerank';
/** XContentType.JSON's media type: no charset. */
export const JSON_WITHOUT_CHARSET = 'application/json';

export function voyageHeaders(context: CallContext): Record<string, string> {
  return { ...bearerAuth(context), 'Request-Source': 'unspecified:elasticsearch' };
}

/** 500 and 429 are retried, no other status; 400 and 422 are "input validation", 402 "payment required". */
export const voyageStatusPolicy: StatusPolicy = ({ status }) => {
  if (status === 500) return { prefix: SERVER_ERROR, retry: 'yes' };
  if (status > 500) return { prefix: SERVER_ERROR, retry: 'no' };
  if (status === 429) return { prefix: RATE_LIMIT, retry: 'yes' };
  if (status === 400 || status === 422) return { prefix: 'Received an input validation error response', retry: 'no' };
  if (status === 401) return { prefix: AUTHENTICATION, retry: 'no' };
  if (status === 402) return { prefix: 'Payment required', retry: 'no' };
  if (status >= 300 && status < 400) return { prefix: REDIRECTION, retry: 'no' };
  return { prefix: UNSUCCESSFUL, retry: 'no' };
};

export const voyageErrorDetails = errorDetailsFrom(z.object({ detail: z.string() }), ({ detail }) => ({ message: detail }));
