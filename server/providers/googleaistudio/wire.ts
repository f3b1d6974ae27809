/** What Google AI Studio's requests share as Elasticsearch sends them: the URL of a model's method with the API key
 * as the `key` query parameter (GoogleAiStudioRequestUtils), GoogleAiStudioResponseHandler's reading of statuses and
 * GoogleAiStudioErrorResponseEntity's of error bodies (`error.message`). */
import { z } from 'zod';
import type { CallContext } from '../../inference/call-context';
import { errorDetailsFrom } from '../kit/error-details';
import { serviceSettings } from '../kit/settings';
import type { FailedResponse } from '../kit/provider-error';
import { RATE_LIMIT, REDIRECTION, SERVER_ERROR, UNSUCCESSFUL, type StatusPolicy } from '../kit/status-policy';

const BASE_URL = 'https://generativelanguage.googleapis.com/v1/models';

export type GoogleMethod = 'batchEmbedContents' | 'generateContent' | 'streamGenerateContent';

/** `https://generativelanguage.googleapis.com/v1/models/<model>:<method>?key=<api_key>[&alt=sse]`: the key first,
 * then `alt`, as Elasticsearch's URIBuilder adds them. */
export function methodUrl(context: CallContext, method: GoogleMethod): string {
  const { model_id: model, api_key: key } = serviceSettings<'GoogleAiStudioServiceSettings'>(context);
  const query = new URLSearchParams({ key });
  if (method === 'streamGenerateContent') query.append('alt', 'sse');
  return `${BASE_URL}/${encodeURIComponent(model)}:${method}?${query.toString()}`;
}

/** The URL as Elasticsearch's request names it (getURI): without the key, nor any other query parameter. */
export function urlWithoutKey(url: string): string {
  if (!URL.canParse(url)) return url.replace(/\?.*$/, '');
  const parsed = new URL(url);
  parsed.search = '';
  return parsed.href;
}

const PERMISSION_DENIED = 'Received a permission denied error status code';
const UNAVAILABLE = 'The Google AI Studio service may be temporarily overloaded or down';

/** GoogleAiStudioResponseHandler: 500, 503 and 429 are retried; a 404 names the URL (without its key); a 403 is
 * "permission denied"; anything else, 400 and 401 included (Google answers a bad key with a 400), "unsuccessful". */
export const googleAiStudioStatusPolicy: StatusPolicy = (response: FailedResponse) => {
  const { status } = response;
  if (status === 500) return { prefix: SERVER_ERROR, retry: 'yes' };
  if (status === 503) return { prefix: UNAVAILABLE, retry: 'yes' };
  if (status > 500) return { prefix: SERVER_ERROR, retry: 'no' };
  if (status === 429) return { prefix: RATE_LIMIT, retry: 'yes' };
  if (status === 404) return { prefix: `Resource not found at [${urlWithoutKey(response.url)}]`, retry: 'no' };
  if (status === 403) return { prefix: PERMISSION_DENIED, retry: 'no' };
  if (status >= 300 && status < 400) return { prefix: REDIRECTION, retry: 'no' };
  return { prefix: UNSUCCESSFUL, retry: 'no' };
};

/** `{"error":{"code":400,"message":"API key not valid. ...","status":"INVALID_ARGUMENT","details":[...]}}`: the message
 * (an error without one quotes an empty message, which is none). */
export const googleAiStudioErrorDetails = errorDetailsFrom(z.object({ error: z.object({ message: z.string().optional() }).passthrough() }), ({ error }) => ({
  message: error.message,
}));
