/**
 * Outbound HTTP to providers: a keep-alive connection pool (undici), the endpoint's rate limit, retries with
 * exponential back-off for 429/500/503 and connection failures (never for other 4xx), all within the call's deadline.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { abortableSleep } from './abortable-sleep';
import type { Config } from '../../config';
import { EsError } from '../../http/errors';
import { ClientGoneError } from '../../inference/call-context';
import type { Deadline } from '../../inference/deadline';
import { connectionError, emptyResponse, providerError, unreadableResponse, type ErrorContext } from './provider-error';
import type { RateLimiters } from './rate-limiter';

const RETRYABLE_STATUSES = new Set([429, 500, 503]);

export interface CallScope {
  inferenceId: string;
  requestsPerMinute?: number;
  deadline: Deadline;
  errors: ErrorContext;
  /** The provider's name, for messages about unreadable responses. */
  provider: string;
}

export interface JsonPost {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

function abortError(deadline: Deadline): EsError {
  return deadline.timedOut ? deadline.timeoutError() : new ClientGoneError();
}


export class ProviderHttp {
  private readonly agent: Agent;

  constructor(
    private readonly config: Config,
    private readonly limiters: RateLimiters,
  ) {
    this.agent = new Agent({ keepAliveTimeout: 30_000, connections: config.upstreamConnections });
  }

  /** POSTs JSON and returns the parsed JSON of a 2xx answer. */
  async postJson(scope: CallScope, call: JsonPost): Promise<unknown> {
    const response = await this.send(scope, call);
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      if (scope.deadline.signal.aborted) throw abortError(scope.deadline);
      throw connectionError(scope.errors, call.url, error);
    }
    if (text.trim() === '') throw emptyResponse(scope.errors);
    try {
      return JSON.parse(text);
    } catch {
      throw unreadableResponse(scope.errors, scope.provider, 'the body is not valid JSON');
    }
  }

  /** POSTs JSON and returns the 2xx response whose body is still to be read (streams). */
  async postForStream(scope: CallScope, call: JsonPost): Promise<Dispatcher.ResponseData> {
    return this.send(scope, call);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send(scope: CallScope, call: JsonPost): Promise<Dispatcher.ResponseData> {
    const { deadline } = scope;
    const started = Date.now();
    let delay = this.config.retryInitialDelayMs;
    for (;;) {
      await this.limiters.acquire(scope.inferenceId, scope.requestsPerMinute, deadline);
      let failure: EsError;
      let retryAfterMs = 0;
      try {
        const response = await request(call.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', ...call.headers },
          body: JSON.stringify(call.body),
          signal: deadline.signal,
          dispatcher: this.agent,
        });
        if (response.statusCode >= 200 && response.statusCode < 300) return response;
        const body = await response.body.text().catch(() => '');
        failure = providerError({ status: response.statusCode, headers: response.headers, body, url: call.url }, scope.errors);
        if (!RETRYABLE_STATUSES.has(response.statusCode)) throw failure;
        retryAfterMs = Number(response.headers['retry-after'] ?? 0) * 1000 || 0;
      } catch (error) {
        if (deadline.signal.aborted) throw abortError(deadline);
        if (error instanceof EsError) throw error;
        failure = connectionError(scope.errors, call.url, error);
      }
      const wait = Math.min(Math.max(delay, retryAfterMs), this.config.retryMaxDelayMs);
      const withinWindow = Date.now() - started + wait < this.config.retryWindowMs;
      if (!withinWindow || wait >= deadline.remainingMs()) throw failure;
      await abortableSleep(wait, deadline.signal);
      if (deadline.signal.aborted) throw abortError(deadline);
      delay = Math.min(delay * 2, this.config.retryMaxDelayMs);
    }
  }
}

export function malformed(scope: CallScope, detail: string): EsError {
  return unreadableResponse(scope.errors, scope.provider, detail);
}

