/** What every Hugging Face Inference Endpoint route shares, as Elasticsearch's HuggingFaceResponseHandler and
 * HuggingFaceErrorResponseEntity read it: which statuses are retried, and the `{"error": "<text>"}` error body. */
import { z } from 'zod';
import { errorDetailsFrom } from '../kit/error-details';
import { AUTHENTICATION, CONTENT_TOO_LARGE, RATE_LIMIT, REDIRECTION, SERVER_ERROR, UNSUCCESSFUL, type StatusPolicy } from '../kit/status-policy';

/** A 502, 503 or 429 is an endpoint scaling up or busy: retried as a rate limit; any other 5xx is final; a 413 is
 * sent again with its inputs cut. */
export const huggingFaceStatusPolicy: StatusPolicy = ({ status }) => {
  if (status === 503 || status === 502 || status === 429) return { prefix: RATE_LIMIT, retry: 'yes' };
  if (status >= 500) return { prefix: SERVER_ERROR, retry: 'no' };
  if (status === 413) return { prefix: CONTENT_TOO_LARGE, retry: 'truncated' };
  if (status === 401) return { prefix: AUTHENTICATION, retry: 'no' };
  if (status >= 300 && status < 400) return { prefix: REDIRECTION, retry: 'no' };
  return { prefix: UNSUCCESSFUL, retry: 'no' };
};

/** Only a string `error` is the message (an object there is not read). */
export const huggingFaceErrorDetails = errorDetailsFrom(z.object({ error: z.string() }), ({ error }) => ({ message: error }));

export const JSON_WITHOUT_CHARSET = 'application/json';
