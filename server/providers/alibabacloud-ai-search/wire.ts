/** AlibabaCloud AI Search's wire as Elasticsearch's AlibabaCloudSearch classes speak it: the URL of each task, the
 * failures its response handler retries, and its error body `{"request_id","latency","code","message"}`. */
import { z } from 'zod';
import { numberArray } from '../kit/number-array';
import type { CallContext } from '../../inference/call-context';
import { shortestFloat32 } from '../../inference/float32-format';
import { errorDetailsFrom } from '../kit/error-details';
import { serviceSettings } from '../kit/settings';
import { AUTHENTICATION, RATE_LIMIT, REDIRECTION, SERVER_ERROR, UNSUCCESSFUL, type StatusPolicy } from '../kit/status-policy';

/** The path segment of each task type (AlibabaCloudSearchUtils). */
export const TASK_PATHS = {
  text_embedding: 'text-embedding',
  sparse_embedding: 'text-sparse-embedding',
  rerank: 'ranker',
  completion: 'text-generation',
} as const;

/** `<http_schema>://<host>/v3/openapi/workspaces/<workspace>/<task>/<service_id>`; the workspace and service id are
 * path segments, encoded as URIBuilder.setPathSegments encodes them. */
export function taskUrl(context: CallContext, task: keyof typeof TASK_PATHS): string {
  const { http_schema: schema, host, workspace, service_id: serviceId } = serviceSettings<'AlibabaCloudSearchServiceSettings'>(context);
  const segments = ['v3', 'openapi', 'workspaces', workspace, TASK_PATHS[task], serviceId].map(encodeURIComponent);
  return `${schema ?? 'https'}://${host}/${segments.join('/')}`;
}

/** AlibabaCloudSearchResponseHandler: no server error is retried, a 429 is; any other 4xx but 401 is "unsuccessful". */
export const alibabaStatusPolicy: StatusPolicy = ({ status }) => {
  if (status >= 500) return { prefix: SERVER_ERROR, retry: 'no' };
  if (status === 429) return { prefix: RATE_LIMIT, retry: 'yes' };
  if (status === 401) return { prefix: AUTHENTICATION, retry: 'no' };
  if (status >= 300 && status < 400) return { prefix: REDIRECTION, retry: 'no' };
  return { prefix: UNSUCCESSFUL, retry: 'no' };
};

/** AlibabaCloudSearchErrorResponseEntity: the top-level `message`. */
export const alibabaErrorDetails = errorDetailsFrom(z.object({ message: z.string() }), ({ message }) => ({ message }));

/** Elasticsearch's `ensureExpectedToken` failures and `Failed to find required field [...]` messages, per answer. */
const missing = (field: string, what: string) => `Failed to find required field [${field}] in AlibabaCloud Search ${what} response`;

export const embeddingsSchema = z
  .object({ result: z.object({ embeddings: z.array(z.object({ embedding: numberArray() })) }) })
  .describe(missing('embeddings', 'embeddings'));

const weightedToken = z.object({ token: z.unknown().optional(), token_id: z.unknown().optional(), weight: z.coerce.number() });

export const sparseSchema = z
  .object({ result: z.object({ sparse_embeddings: z.array(z.object({ embedding: z.array(weightedToken) })) }) })
  .describe(missing('sparse_embeddings', 'sparse embeddings'));

export const rerankSchema = z
  .object({ result: z.object({ scores: z.array(z.object({ index: z.number().int(), score: z.number() })) }) })
  .describe(missing('scores', 'rerank'));

export const completionSchema = z.object({ result: z.object({ text: z.string() }) }).describe(missing('text', 'completion'));

/** AlibabaCloudSearchSparseResponseEntity: a token is named by its text when AI Search sends it (`return_token`),
 * else by its id; one without a name, with a `.` in it, or of no positive weight is left out. */
export function sparseVector(tokens: z.infer<typeof weightedToken>[]): Record<string, number> {
  // A Map first: a token may be named `__proto__`, which plain assignment would not store.
  const vector = new Map<string, number>();
  for (const { token, token_id: tokenId, weight } of tokens) {
    const name = token !== undefined ? token : tokenId;
    if (name === undefined || name === null) continue;
    const text = String(name);
    const float = shortestFloat32(weight);
    if (text === '' || text.includes('.') || !(float > 0)) continue;
    vector.set(text, float);
  }
  return Object.fromEntries(vector);
}

/** AlibabaCloudSearchEmbeddingsRequestEntity.convertToString: the request's input type, else the task setting's. */
export function alibabaInputType(requested: string | undefined, stored: string | undefined): 'document' | 'query' | undefined {
  const specified = (type: string | undefined) => (type && type !== 'unspecified' ? type : undefined);
  const type = specified(requested) ?? specified(stored);
  if (type === 'ingest' || type === 'internal_ingest') return 'document';
  if (type === 'search' || type === 'internal_search') return 'query';
  return undefined;
}
