/** Which calls may share an upstream request: those of one endpoint whose bodies would differ only in their inputs. */
import { createHash } from 'node:crypto';
import type { CallContext } from '../../inference/call-context';

/** One caller's embedding call, in batches of the provider's size. */
export interface BatchedCall<T, R> {
  context: CallContext;
  items: readonly T[];
  /** The most items of one upstream request (the provider's batch limit). */
  size: number;
  /** What the call is (e.g. `cohere embed`): calls of different kinds never share a request. */
  kind: string;
  /** Whatever besides the endpoint and the effective task settings shapes the body or how the answer is read (the
   * request's input type). */
  parameters?: unknown;
  /** Sends one batch. `context` may be another caller's of the same lane (its settings are the same) with the shared
   * request's deadline: the body and the reading of the answer must depend on nothing else, nor change anything
   * beyond the returned results (one per item, in order). */
  send(context: CallContext, batch: T[]): Promise<R[]>;
}

/**
 * The lane of a call: its endpoint, kind, settings, task settings and parameters. A rotated secret makes a new lane
 * (hashed, so that no secret is kept in a key).
 */
export function laneKey(call: BatchedCall<unknown, unknown>): string {
  const { endpoint, taskSettings } = call.context;
  const shape = JSON.stringify([call.kind, call.size, endpoint.serviceSettings, endpoint.internal, taskSettings, call.parameters ?? null]);
  const secrets = createHash('sha256').update(JSON.stringify(endpoint.secrets)).digest('base64');
  return `${endpoint.service}\n${endpoint.taskType}\n${endpoint.inferenceId}\n${secrets}\n${shape}`;
}
