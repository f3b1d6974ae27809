/** What Jina AI's two APIs share as Elasticsearch speaks them: the headers, and JinaAIResponseHandler and
 * JinaAIErrorResponseEntity, which read statuses and `{"detail"}` bodies exactly as Voyage AI's twins do. */
import type { CallContext } from '../../inference/call-context';
import { bearerAuth } from '../kit/auth-headers';
import { voyageErrorDetails, voyageStatusPolicy } from '../voyageai/wire';

export const EMBEDDINGS_URL = 'https://api.jina.ai/v1/embeddings';
export const RERANK_URL = 'https://api.jina.ai/v1/rerank';
export const JSON_WITHOUT_CHARSET = 'application/json';

export function jinaHeaders(context: CallContext): Record<string, string> {
  return { ...bearerAuth(context), 'Request-Source': 'unspecified:elasticsearch' };
}

export const jinaStatusPolicy = voyageStatusPolicy;
export const jinaErrorDetails = voyageErrorDetails;
