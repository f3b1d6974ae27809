/**
 * A service's client for its provider, built from one config: its name, its auth headers and how to read its
 * error bodies. `postJson` returns the provider's answer parsed by a zod schema; `postEventStream` yields its
 * stream's events parsed by one. Retries, rate limits, deadlines, redaction, Elasticsearch's error templates and
 * unreadable answers are handled here, once (the spirit of the AI SDK's provider-utils `postJsonToApi`).
 */
import type { z } from 'zod';
import { EsError } from '../../http/errors';
import type { CallContext } from '../../inference/call-context';
import { inBatches } from './batches';
import type { BatchedCall } from './coalescer';
import type { ErrorDetailsParser } from './error-details';
import { genericErrorDetails } from './error-details';
import { RetryableFailure, type CallScope, type ProviderHttp, type RequestSigner, type UpstreamRequest } from './http-transport';
import { connectionError, emptyResponse, streamedProviderError, unreadableResponse } from './provider-error';
import type { StatusPolicy } from './status-policy';
import { nonBlankLines } from './upstream-lines';
import { sseData } from './upstream-sse';
import { streamedBody } from './upstream-body';

export interface ProviderClientConfig {
  /** The service's name (as in the spec): the key of its upstream origin. */
  provider: string;
  /** The headers every request of a call carries (auth first of all). */
  headers(context: CallContext, scope: CallScope): Record<string, string> | Promise<Record<string, string>>;
  /** Reads the provider's error bodies (default: the common shapes). */
  errorDetails?: ErrorDetailsParser;
  /** The unified `type` of its errors when a body names none (e.g. `mistral_error`). */
  unifiedErrorType?: string;
  /** The provider answered 401 (e.g. a cached access token is no longer good). */
  onAuthenticationFailure?(context: CallContext): void;
  /** What of the endpoint's secrets messages are redacted of, when not all of them (the secret parts of a
   * service-account key file, not its public field names and values). */
  redactionSecrets?(context: CallContext): Record<string, unknown>;
}

export interface RequestOptions {
  /** Elasticsearch's name of the request in messages, e.g. `OpenAI embeddings`. */
  name: string;
  /** What Elasticsearch says it failed to do when an answer is unreadable (default `Failed to send <name> request`). */
  failedToSend?: string;
  policy: StatusPolicy;
  truncated?: () => unknown;
  /** Leave out the config's headers (a token request). */
  withoutServiceHeaders?: boolean;
  headers?: Record<string, string>;
  originName?: string;
  rateLimited?: boolean;
  /** `application/json` without the charset, for the requests Elasticsearch sends so. */
  contentType?: string;
  /** This request's error parser and unified type, when not the service's (some handlers read bodies their own way). */
  errorDetails?: ErrorDetailsParser;
  unifiedErrorType?: string;
  /** Signs each attempt (AWS SigV4, see kit/aws/sigv4.ts). */
  sign?: RequestSigner;
  /** Words a failed answer itself instead of `<prefix> for request from ...` (see UpstreamRequest.errorFor). */
  errorFor?: UpstreamRequest['errorFor'];
}

/** Reads a stream's frames (each an event's JSON text) out of a response body. */
export type FrameDecoder = (body: AsyncIterable<Buffer>) => AsyncIterable<string>;

export interface EventStreamOptions extends RequestOptions {
  /** The `data` that ends the stream (OpenAI's `[DONE]`, matched case-insensitively as Elasticsearch does). */
  doneData?: string;
  /** An event that is the provider's error rather than a chunk (default: the config's error parser). */
  streamError?: ErrorDetailsParser;
  /** How the stream is framed: server-sent events (default), one JSON document a line, or a decoder of its own
   * (AWS's event stream: kit/aws/event-stream.ts). */
  framing?: 'sse' | 'lines' | FrameDecoder;
}

type Schema = z.ZodTypeAny;

/** Extra headers (a user's) never replace the service's own nor the content type: Elasticsearch sets those last. */
function withRequiredHeaders(extra: Record<string, string> | undefined, required: Record<string, string>): Record<string, string> {
  if (!extra) return required;
  const reserved = new Set(['content-type', ...Object.keys(required).map((name) => name.toLowerCase())]);
  const kept = Object.entries(extra).filter(([name]) => !reserved.has(name.toLowerCase()));
  return { ...Object.fromEntries(kept), ...required };
}

function framesOf(body: AsyncIterable<Buffer>, framing: EventStreamOptions['framing']): AsyncIterable<string> {
  if (typeof framing === 'function') return framing(body);
  return framing === 'lines' ? nonBlankLines(body) : sseData(body);
}

const failedToSend = (options: RequestOptions) => options.failedToSend ?? `Failed to send ${options.name} request`;

const expectation = (schema: Schema) => schema.description ?? 'the response does not have the expected shape';

export class ProviderClient {
  constructor(
    private readonly http: ProviderHttp,
    private readonly config: ProviderClientConfig,
  ) {}

  scope(context: CallContext, options: Partial<RequestOptions> = {}): CallScope {
    const { endpoint } = context;
    const rateLimit = endpoint.serviceSettings.rate_limit as { requests_per_minute?: number } | undefined;
    return {
      inferenceId: endpoint.inferenceId,
      requestsPerMinute: rateLimit?.requests_per_minute,
      deadline: context.deadline,
      provider: this.config.provider,
      onUnauthorized: this.config.onAuthenticationFailure && (() => this.config.onAuthenticationFailure!(context)),
      errors: {
        inferenceId: endpoint.inferenceId,
        secrets: this.config.redactionSecrets?.(context) ?? endpoint.secrets,
        errorDetails: options.errorDetails ?? this.config.errorDetails,
        unifiedErrorType: options.unifiedErrorType ?? this.config.unifiedErrorType,
      },
    };
  }

  /** An answer that parsed but does not make sense (e.g. fewer vectors than inputs). */
  unreadable(context: CallContext, options: RequestOptions, detail: string): EsError {
    return unreadableResponse(this.scope(context).errors, failedToSend(options), detail);
  }

  /**
   * Sends `call.items` in batches of the provider's size, sharing upstream requests with concurrent calls of the same
   * endpoint and body (kit/coalescer.ts), and returns the results in item order. A failed batch fails the call: the
   * abort of its deadline stops its batches still running.
   */
  batches<T, R>(call: BatchedCall<T, R>): Promise<R[]> {
    return inBatches(call.items, call.size, (batch) => this.http.coalescer.submit(call, batch), () => call.context.deadline.abort());
  }

  /** POSTs `body` and returns the answer as `schema` reads it (its `description` says what was expected). */
  async postJson<S extends Schema>(context: CallContext, url: string, body: unknown, schema: S, options: RequestOptions): Promise<z.infer<S>> {
    const scope = this.scope(context, options);
    const call = await this.upstreamRequest(context, scope, url, body, options);
    return this.http.post(scope, call, async (response) => {
      const text = await response.body.text();
      if (text.trim() === '') throw emptyResponse(scope.errors, failedToSend(options));
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new RetryableFailure(unreadableResponse(scope.errors, failedToSend(options), 'the response body is not valid JSON'));
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw new RetryableFailure(unreadableResponse(scope.errors, failedToSend(options), expectation(schema)));
      return parsed.data as z.infer<S>;
    });
  }

  /** POSTs `body` and returns the 2xx answer's text as it came, for a service that reads (and words the failures of)
   * its answers itself: nothing here parses it nor asks again for it. */
  async postText(context: CallContext, url: string, body: unknown, options: RequestOptions): Promise<string> {
    const scope = this.scope(context, options);
    const call = await this.upstreamRequest(context, scope, url, body, options);
    return this.http.post(scope, call, (response) => response.body.text());
  }

  /** POSTs `body` and yields each event of the provider's stream as `schema` reads it. */
  async *postEventStream<S extends Schema>(
    context: CallContext,
    url: string,
    body: unknown,
    schema: S,
    options: EventStreamOptions,
  ): AsyncGenerator<z.infer<S>> {
    const scope = this.scope(context, options);
    const call = await this.upstreamRequest(context, scope, url, body, options);
    const { response, target } = await this.http.post(scope, call, async (response, target) => ({ response, target }));
    const done = options.doneData?.toLowerCase();
    const streamError = options.streamError ?? scope.errors.errorDetails ?? genericErrorDetails;
    const upstream = streamedBody(response.body);
    let completed = false;
    try {
      for await (const data of framesOf(upstream.chunks, options.framing)) {
        if (data === '') continue;
        if (done !== undefined && data.length === done.length && data.toLowerCase() === done) break;
        let json: unknown;
        try {
          json = JSON.parse(data);
        } catch {
          throw streamedProviderError(streamError(undefined, data), scope.errors);
        }
        const parsed = schema.safeParse(json);
        if (!parsed.success) throw streamedProviderError(streamError(json, data) ?? { message: data }, scope.errors);
        yield parsed.data as z.infer<S>;
      }
      completed = true;
    } catch (error) {
      // A connection that fails mid-body is the provider's failure (naming the endpoint), not ours.
      if (error instanceof EsError || scope.deadline.signal.aborted) throw error;
      throw connectionError(scope.errors, target, error);
    } finally {
      // Also when the consumer stops early (its client went away): then `completed` is false.
      upstream.finish(completed);
    }
  }

  private async upstreamRequest(
    context: CallContext,
    scope: CallScope,
    url: string,
    body: unknown,
    options: RequestOptions,
  ): Promise<UpstreamRequest> {
    const serviceHeaders = options.withoutServiceHeaders ? {} : await this.config.headers(context, scope);
    return {
      url,
      body,
      headers: withRequiredHeaders(options.headers, serviceHeaders),
      policy: options.policy,
      truncated: options.truncated,
      originName: options.originName,
      rateLimited: options.rateLimited,
      contentType: options.contentType,
      sign: options.sign,
      errorFor: options.errorFor,
    };
  }
}
