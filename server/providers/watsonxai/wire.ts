/**
 * watsonx.ai's wire as Elasticsearch's IbmWatsonx classes speak it: the URL of each operation, the status policy of
 * IbmWatsonxResponseHandler, and the error bodies of IbmWatsonxErrorResponseEntity.
 */
import { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import { errorDetailsFrom } from '../kit/error-details';
import { serviceSettings } from '../kit/settings';
import { AUTHENTICATION, BAD_REQUEST, REDIRECTION, SERVER_ERROR, UNSUCCESSFUL, type StatusPolicy } from '../kit/status-policy';

export type WatsonxOperation = 'embeddings' | 'rerank' | 'chat' | 'chat_stream';

/** XContentType.JSON's media type, without a charset, as every watsonx request of Elasticsearch sets it. */
export const WATSONX_CONTENT_TYPE = 'application/json';

/**
 * `https://<url>/ml/v1/text/<operation>?version=<api_version>`. Elasticsearch takes `url` as the host
 * (URIBuilder.setHost), so that `us-south.ml.cloud.ibm.com` is what it expects; a URL given with its scheme would
 * make it call a broken address, so infergate takes that URL's host and port instead.
 * Elasticsearch's own paths differ from watsonx.ai's reference in two places, and infergate follows the reference
 * (the choice): rerank is `/ml/v1/text/rerank` (Elasticsearch builds `/reranks`), and a stream is asked of
 * `/ml/v1/text/chat_stream` (Elasticsearch posts `"stream": true` to `/ml/v1/text/chat`).
 */
export function watsonxUrl(context: CallContext, operation: WatsonxOperation): string {
  const { url, api_version: version } = serviceSettings<'WatsonxaiServiceSettings'>(context);
  const host = /^https?:\/\//i.test(url) && URL.canParse(url) ? new URL(url).host : url;
  return `https://${host}/ml/v1/text/${operation}?version=${encodeURIComponent(version)}`;
}

const PERMISSION_DENIED = 'Received a permission denied error status code';

/** IbmWatsonxResponseHandler (embeddings, rerank) and the IAM token request's validateResponse: only a 500 is tried
 * again; a 429 or 503 is "unsuccessful" and final. */
export const watsonxStatusPolicy: StatusPolicy = (response) => {
  const { status } = response;
  if (status === 500) return { prefix: SERVER_ERROR, retry: 'yes' };
  if (status === 404) return { prefix: `Resource not found at [${response.url}]`, retry: 'no' };
  if (status === 403) return { prefix: PERMISSION_DENIED, retry: 'no' };
  if (status === 401) return { prefix: AUTHENTICATION, retry: 'no' };
  if (status === 400) return { prefix: BAD_REQUEST, retry: 'no' };
  if (status >= 300 && status < 400) return { prefix: REDIRECTION, retry: 'no' };
  return { prefix: UNSUCCESSFUL, retry: 'no' };
};

/**
 * IbmWatsonxErrorResponseEntity reads `{"error":{"message"}}` (typed `watsonx_error` on the chat route). watsonx.ai
 * itself answers `{"errors":[{"code","message"}],"trace","status_code"}`, which that entity does not read: as in
 * Elasticsearch, such a body adds no `Error message` to the reason.
 */
export const watsonxErrorDetails = errorDetailsFrom(z.object({ error: z.object({ message: z.string().optional() }).passthrough() }), ({ error }) => ({
  message: error.message ?? '',
  type: 'watsonx_error',
}));
