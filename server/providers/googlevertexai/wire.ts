/**
 * What Elasticsearch's GoogleVertexAiResponseHandler makes of a failed status, and how it reads Google's error bodies
 * (`{"error":{"code":401,"message":"...","status":"UNAUTHENTICATED","details":[...]}}`: the message only).
 */
import { z } from 'zod';
import { errorDetailsFrom } from '../kit/error-details';
import { REDIRECTION, SERVER_ERROR, RATE_LIMIT, UNSUCCESSFUL, type StatusPolicy } from '../kit/status-policy';

const UNAVAILABLE = 'The Google Vertex AI service may be temporarily overloaded or down';
const PERMISSION_DENIED = 'Received a permission denied error status code';

/** 500, 503 and 429 are retried; any other 4xx but 403 and 404 (401 and 400 included) is "unsuccessful". */
export const googleVertexAiStatusPolicy: StatusPolicy = (response) => {
  const { status } = response;
  if (status === 500) return { prefix: SERVER_ERROR, retry: 'yes' };
  if (status === 503) return { prefix: UNAVAILABLE, retry: 'yes' };
  if (status > 500) return { prefix: SERVER_ERROR, retry: 'no' };
  if (status === 429) return { prefix: RATE_LIMIT, retry: 'yes' };
  if (status === 404) return { prefix: `Resource not found at [${response.url}]`, retry: 'no' };
  if (status === 403) return { prefix: PERMISSION_DENIED, retry: 'no' };
  if (status >= 300 && status < 400) return { prefix: REDIRECTION, retry: 'no' };
  return { prefix: UNSUCCESSFUL, retry: 'no' };
};

/** GoogleVertexAiErrorResponseEntity: `error.message` (an `error` without one is an empty message); on the unified
 * chat route (GoogleVertexAiUnifiedChatCompletionResponseHandler) `status` is the error's type and `code` its code. */
export const googleErrorDetails = errorDetailsFrom(
  z.object({ error: z.object({ message: z.string().optional(), status: z.string().optional(), code: z.number().int().optional() }).passthrough() }),
  ({ error }) => ({ message: error.message ?? '', type: error.status, ...(error.code === undefined ? {} : { code: String(error.code) }) }),
);
