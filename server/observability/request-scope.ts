/**
 * What one HTTP request has done so far, reachable from anywhere below it (AsyncLocalStorage): its id for the log
 * lines, and what the metrics of its end need — the inference endpoint it called, its upstream attempts, retries,
 * rate-limit waits, the tokens the provider reported, and the `error.type` it answered with.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { StoredEndpoint } from '../store/endpoint-store';

export interface RequestScope {
  /** The client's `X-Opaque-Id` when it sent one, else one of ours. */
  id: string;
  endpoint?: StoredEndpoint;
  upstreamSeconds: number;
  upstreamAttempts: number;
  retries: number;
  rateLimitWaitSeconds: number;
  /** Set while a call of the request waits for a rate-limit slot (a coalesced call's waiters time out as it would). */
  waitingForRateLimit?: boolean;
  inputTokens?: number;
  outputTokens?: number;
  /** The `error.type` of the answer or of the stream's error event. */
  errorType?: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

export function newRequestScope(id: string): RequestScope {
  return { id, upstreamSeconds: 0, upstreamAttempts: 0, retries: 0, rateLimitWaitSeconds: 0 };
}

export const runInRequestScope = <T>(scope: RequestScope, run: () => T): T => storage.run(scope, run);

export const currentRequestScope = (): RequestScope | undefined => storage.getStore();

/** The request calls this endpoint (the inference routes). */
export function noteEndpoint(endpoint: StoredEndpoint): void {
  const scope = storage.getStore();
  if (scope) scope.endpoint = endpoint;
}

export function noteUpstreamAttempt(seconds: number, retry: boolean): void {
  const scope = storage.getStore();
  if (!scope) return;
  scope.upstreamAttempts++;
  scope.upstreamSeconds += seconds;
  if (retry) scope.retries++;
}

/** A call starts waiting for a rate-limit slot; the returned function ends the wait and notes how long it took. */
export function startRateLimitWait(): () => void {
  const scope = storage.getStore();
  const started = performance.now();
  if (scope) scope.waitingForRateLimit = true;
  return () => {
    if (!scope) return;
    scope.waitingForRateLimit = false;
    scope.rateLimitWaitSeconds += (performance.now() - started) / 1000;
  };
}

/**
 * Adds what a coalesced upstream call noted (in a scope of its own) to the scope of one of the requests it served:
 * each request waited for and was answered by the same attempts. Tokens are the provider's for the whole batch, so a
 * request gets the share of its inputs (`share`, 0..1).
 */
export function addSharedCallNotes(target: RequestScope | undefined, shared: RequestScope, share: number): void {
  if (!target) return;
  target.upstreamAttempts += shared.upstreamAttempts;
  target.upstreamSeconds += shared.upstreamSeconds;
  target.retries += shared.retries;
  target.rateLimitWaitSeconds += shared.rateLimitWaitSeconds;
  if (shared.inputTokens !== undefined) target.inputTokens = (target.inputTokens ?? 0) + Math.round(shared.inputTokens * share);
  if (shared.outputTokens !== undefined) target.outputTokens = (target.outputTokens ?? 0) + Math.round(shared.outputTokens * share);
}

/** Tokens a provider says the call used (summed over the call's upstream requests). */
export function noteTokenUsage(usage: { input?: number; output?: number }): void {
  const scope = storage.getStore();
  if (!scope) return;
  if (usage.input !== undefined && Number.isFinite(usage.input)) scope.inputTokens = (scope.inputTokens ?? 0) + usage.input;
  if (usage.output !== undefined && Number.isFinite(usage.output)) scope.outputTokens = (scope.outputTokens ?? 0) + usage.output;
}

/** A chat answer's or chunk's `usage` (OpenAI's shape, which every service's chat answers are given in). */
export function noteChatUsage(usage: { prompt_tokens?: number; completion_tokens?: number } | null | undefined): void {
  if (usage) noteTokenUsage({ input: usage.prompt_tokens, output: usage.completion_tokens });
}

/** The chunks of a chat stream, their usage noted as they pass. */
export async function* withUsageNoted<T extends { usage?: { prompt_tokens?: number; completion_tokens?: number } | null }>(chunks: AsyncIterable<T>): AsyncGenerator<T> {
  for await (const chunk of chunks) {
    noteChatUsage(chunk.usage);
    yield chunk;
  }
}

export function noteErrorType(type: string): void {
  const scope = storage.getStore();
  if (scope && scope.errorType === undefined) scope.errorType = type;
}
