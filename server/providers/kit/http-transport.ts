/**
 * Outbound HTTP to providers: a keep-alive connection pool (undici), the upstream origin overrides, the endpoint's
 * rate limit, and Elasticsearch's retries — at most three attempts with exponential back-off (or the provider's
 * `Retry-After`, however long, when it fits), for what the request's status policy retries, connection failures and unreadable answers — all
 * within the call's deadline. Services use it through a ProviderClient.
 */
import { Agent, request, type Dispatcher } from 'undici';
import type { Config } from '../../config';
import { EsError } from '../../http/errors';
import { ClientGoneError } from '../../inference/call-context';
import type { Deadline } from '../../inference/deadline';
import { abortableSleep } from './abortable-sleep';
import { retryAfterMs as readRetryAfter } from './retry-after';
import { connectionError, providerError, type ErrorContext, type FailedResponse } from './provider-error';
import { redactSecrets } from './redact';
import type { RateLimitBackend } from './rate-limit-backend';
import type { StatusPolicy } from './status-policy';
import { withUpstreamOrigin } from './upstream-origins';
import { noteUpstreamAttempt } from '../../observability/request-scope';
import { UpstreamAllowList, hostNotAllowed, hostRefusalIn } from './upstream-allow-list';
import { Coalescer } from './coalescer';

/** Elasticsearch gives up after this many attempts (RetryingHttpSender), or when its retry window closes. */
const MAX_ATTEMPTS = 3;

export interface CallScope {
  inferenceId: string;
  requestsPerMinute?: number;
  deadline: Deadline;
  errors: ErrorContext;
  /** The service's name: the key of its upstream origin. */
  provider: string;
  /** Told of a 401, e.g. to drop a cached access token (Elasticsearch's onAuthenticationFailure). */
  onUnauthorized?: () => void;
}

export interface UpstreamRequest {
  url: string;
  headers: Record<string, string>;
  /** Sent as JSON, or as a form when it is URLSearchParams. */
  body: unknown;
  policy: StatusPolicy;
  /** The body with every input cut to half, sent again when the provider finds the content too large. */
  truncated?: () => unknown;
  /** The INFERGATE_UPSTREAM_ORIGINS name of this request, when not the service's own (an auth endpoint). */
  originName?: string;
  /** Whether the endpoint's rate limit applies (not to token requests). */
  rateLimited?: boolean;
  /** The JSON content type as the service's Elasticsearch request sets it (default with `charset=UTF-8`). */
  contentType?: string;
  /** Signs each attempt as it is sent (AWS SigV4): returns the headers to send. */
  sign?: RequestSigner;
  /** Words a failed answer itself, for a service whose errors are not `<prefix> for request from ...` (the AWS SDK
   * services map the SDK's exceptions); the policy still decides the retry. */
  errorFor?: (response: FailedResponse, context: ErrorContext) => EsError;
}

/** Given the URL a request really goes to, its headers and its body, the headers to send it with. */
export type RequestSigner = (request: { url: string; headers: Record<string, string>; body: string }) => Promise<Record<string, string>>;

/** Thrown by a response reader for an answer worth asking again for (Elasticsearch retries parse failures). */
export class RetryableFailure extends Error {
  constructor(readonly error: EsError) {
    super(error.message);
  }
}

export type ResponseReader<T> = (response: Dispatcher.ResponseData, url: string) => Promise<T>;

/** Error bodies are read up to this size: what a provider says fits, and a huge one cannot stall the server. */
const ERROR_BODY_LIMIT = 64 * 1024;

async function readErrorBody(response: Dispatcher.ResponseData): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= ERROR_BODY_LIMIT) break;
    }
  } catch {
    // A body cut off mid-way says what it said so far.
  }
  if (size >= ERROR_BODY_LIMIT) response.body.destroy();
  return Buffer.concat(chunks).subarray(0, ERROR_BODY_LIMIT).toString('utf8');
}

function abortError(deadline: Deadline): EsError {
  return deadline.timedOut ? deadline.timeoutError() : new ClientGoneError();
}

/** Elasticsearch's XContentType.JSON media type. */
const JSON_MEDIA_TYPE = 'application/json; charset=UTF-8';

/** A body already written as text (the custom service's filled-in template), sent as it is. */
export class RawBody {
  constructor(readonly text: string) {}
}

function encode(body: unknown, jsonType = JSON_MEDIA_TYPE): { contentType: string; text: string } {
  if (body instanceof RawBody) return { contentType: jsonType, text: body.text };
  if (body instanceof URLSearchParams) return { contentType: 'application/x-www-form-urlencoded', text: body.toString() };
  return { contentType: jsonType, text: JSON.stringify(body) };
}

export class ProviderHttp {
  private readonly agent: Agent;
  /** Where requests may go: checked on each URL here, and on each resolved address when a connection opens. */
  readonly allowList: UpstreamAllowList;
  /** Shares upstream embedding requests between concurrent calls of one endpoint (INFERGATE_COALESCE_EMBEDDINGS). */
  readonly coalescer: Coalescer;

  constructor(
    private readonly config: Config,
    private readonly limiters: RateLimitBackend,
  ) {
    this.allowList = new UpstreamAllowList(config.allowedUpstreamHosts, config.upstreamOrigins);
    this.coalescer = new Coalescer({ enabled: config.coalesceEmbeddings, windowMs: config.coalesceWindowMs });
    this.agent = new Agent({ keepAliveTimeout: 30_000, connections: config.upstreamConnections, connect: { lookup: this.allowList.lookup() } });
  }

  /** The URL a request is really sent to. */
  target(scope: CallScope, call: Pick<UpstreamRequest, 'url' | 'originName'>): string {
    return withUpstreamOrigin(this.config.upstreamOrigins, call.originName ?? scope.provider, call.url);
  }

  /**
   * POSTs until a 2xx answer that `read` accepts (it throws RetryableFailure to ask again), a failure the policy does
   * not retry, the third attempt, the end of the retry window or the deadline.
   */
  async post<T>(scope: CallScope, call: UpstreamRequest, read: ResponseReader<T>): Promise<T> {
    const { deadline } = scope;
    const url = this.target(scope, call);
    // A URL that cannot be requested (a relative one, which the settings allow as Elasticsearch does) is final.
    if (!URL.canParse(url)) throw connectionError(scope.errors, url, { code: 'ERR_INVALID_URL' });
    // The URL may hold a secret (Google AI Studio's `?key=`): a refusal names it redacted (worked out only then).
    const named = () => redactSecrets(url, scope.errors.secrets);
    const refusal = this.allowList.checkUrl(url);
    if (refusal) throw hostNotAllowed(named(), refusal.host);
    let { contentType, text } = encode(call.body, call.contentType);
    const started = Date.now();
    let delay = this.config.retryInitialDelayMs;
    for (let attempt = 1; ; attempt++) {
      if (call.rateLimited !== false) await this.limiters.acquire(scope.inferenceId, scope.requestsPerMinute, deadline);
      let failure: EsError;
      let retryAfterMs = 0;
      try {
        const unsigned = { 'content-type': contentType, accept: 'application/json', ...call.headers };
        const headers = call.sign ? await call.sign({ url, headers: unsigned, body: text }) : unsigned;
        const sentAt = performance.now();
        const response = await request(url, { method: 'POST', headers, body: text, signal: deadline.signal, dispatcher: this.agent });
        noteUpstreamAttempt((performance.now() - sentAt) / 1000, attempt > 1);
        if (response.statusCode >= 200 && response.statusCode < 300) return await read(response, url);
        const body = await readErrorBody(response);
        if (deadline.signal.aborted) throw abortError(deadline);
        if (response.statusCode === 401) scope.onUnauthorized?.();
        const failed = { status: response.statusCode, headers: response.headers, body, url };
        const outcome = providerError(failed, scope.errors, call.policy);
        failure = call.errorFor ? call.errorFor(failed, scope.errors) : outcome.error;
        if (outcome.failure.retry === 'no' || (outcome.failure.retry === 'truncated' && !call.truncated)) throw failure;
        if (outcome.failure.retry === 'truncated') ({ contentType, text } = encode(call.truncated!(), call.contentType));
        retryAfterMs = readRetryAfter(response.headers['retry-after']);
      } catch (error) {
        if (deadline.signal.aborted) throw abortError(deadline);
        const refused = hostRefusalIn(error);
        if (refused) throw hostNotAllowed(named(), refused.host, refused.address);
        if (error instanceof RetryableFailure) failure = error.error;
        else if (error instanceof EsError) throw error;
        else failure = connectionError(scope.errors, url, error);
      }
      // The provider's Retry-After is honoured in full, beyond the longest back-off: a retry sooner would only be
      // refused again. When it does not fit in the retry window or the call's deadline, the provider's answer is
      // given at once.
      const wait = retryAfterMs > 0 ? Math.max(delay, retryAfterMs) : delay;
      const withinWindow = Date.now() - started + wait < this.config.retryWindowMs;
      if (attempt >= MAX_ATTEMPTS || !withinWindow || wait >= deadline.remainingMs()) throw failure;
      await abortableSleep(wait, deadline.signal);
      if (deadline.signal.aborted) throw abortError(deadline);
      delay = Math.min(delay * 2, this.config.retryMaxDelayMs);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
