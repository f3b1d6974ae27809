/**
 * Cross-request batching (Elasticsearch never shipped it): concurrent calls of one endpoint whose upstream bodies
 * would differ only in their inputs share one upstream request, up to the provider's batch size.
 *
 * A batch goes at once when nothing of its lane is in flight (no added latency at concurrency 1). While one is, the
 * batches that arrive gather for at most the window (or until the provider's batch size is reached) and then go as
 * one request; each caller gets its own slice of the answer, every caller of a failed request the same error. A
 * caller whose deadline passes, or whose client goes away, leaves without cancelling the others; the shared request
 * is cancelled only when every caller has left. One shared request takes one rate-limit slot, as Elasticsearch
 * counts upstream requests.
 */
import type { EsError } from '../../http/errors';
import { ClientGoneError, type CallContext } from '../../inference/call-context';
import { Deadline } from '../../inference/deadline';
import { addSharedCallNotes, currentRequestScope, newRequestScope, runInRequestScope, type RequestScope } from '../../observability/request-scope';
import { laneKey, type BatchedCall } from './lane-key';
import { rateLimitTimeout } from './rate-limit-backend';

export type { BatchedCall } from './lane-key';

/** How long batches wait for company while a request of their lane is in flight. */
export const COALESCING_WINDOW_MS = 2;

/** The shared request outlives its longest-waiting caller by this much, so that every caller times out by its own
 * deadline (and words it as alone) before the shared one strikes. */
const SHARED_DEADLINE_SLACK_MS = 100;

export interface CoalescingOptions {
  enabled: boolean;
  windowMs?: number;
}

/** What a caller that leaves is answered: what the transport or the rate limiter would have said to it alone. */
function leavingError(deadline: Deadline, inferenceId: string, shared: RequestScope | undefined): EsError {
  if (!deadline.timedOut) return new ClientGoneError();
  return shared?.waitingForRateLimit ? rateLimitTimeout(deadline, inferenceId) : deadline.timeoutError();
}

type Outcome = { results: unknown[] } | { error: unknown };

interface Member {
  batch: unknown[];
  deadline: Deadline;
  inferenceId: string;
  scope: RequestScope | undefined;
  left: boolean;
  settle(outcome: Outcome): void;
}

interface Group {
  context: CallContext;
  size: number;
  send: BatchedCall<unknown, unknown>['send'];
  members: Member[];
  inputs: number;
  timer?: NodeJS.Timeout;
  /** The shared request's own scope, once it is sent: it tells whether the request waits for a rate-limit slot. */
  scope?: RequestScope;
  deadline?: Deadline;
}

interface Lane {
  inFlight: number;
  pending?: Group;
}

export class Coalescer {
  private readonly lanes = new Map<string, Lane>();
  private readonly windowMs: number;

  constructor(private readonly options: CoalescingOptions) {
    this.windowMs = options.windowMs ?? COALESCING_WINDOW_MS;
  }

  /** Sends `batch` (at most `call.size` items of `call.items`), alone or with other callers' batches. */
  submit<T, R>(call: BatchedCall<T, R>, batch: T[]): Promise<R[]> {
    if (!this.options.enabled) return call.send(call.context, batch);
    const key = laneKey(call);
    const lane = this.laneOf(key);
    const full = batch.length >= call.size;
    const { deadline } = call.context;
    const noTimeToWait = deadline.signal.aborted || deadline.remainingMs() <= this.windowMs;
    if (full || noTimeToWait || (lane.inFlight === 0 && !lane.pending)) return this.sendAlone(key, lane, call, batch);
    return this.join(key, lane, call as BatchedCall<unknown, unknown>, batch) as Promise<R[]>;
  }

  /** Lanes with a request in flight or batches gathering (none once all is answered). */
  get activeLanes(): number {
    return this.lanes.size;
  }

  private laneOf(key: string): Lane {
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { inFlight: 0 }));
    return lane;
  }

  private release(key: string, lane: Lane): void {
    if (lane.inFlight === 0 && !lane.pending && this.lanes.get(key) === lane) this.lanes.delete(key);
  }

  private async sendAlone<T, R>(key: string, lane: Lane, call: BatchedCall<T, R>, batch: T[]): Promise<R[]> {
    lane.inFlight++;
    try {
      return await call.send(call.context, batch);
    } finally {
      lane.inFlight--;
      this.release(key, lane);
    }
  }

  private join(key: string, lane: Lane, call: BatchedCall<unknown, unknown>, batch: unknown[]): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      let group = lane.pending;
      if (group && group.inputs + batch.length > group.size) {
        this.flush(key, lane, group);
        group = undefined;
      }
      if (!group) group = this.openGroup(key, lane, call);
      const { deadline } = call.context;
      const onAbort = () => this.leave(key, lane, group, member);
      const member: Member = {
        batch,
        deadline,
        inferenceId: call.context.endpoint.inferenceId,
        scope: currentRequestScope(),
        left: false,
        settle(outcome) {
          deadline.signal.removeEventListener('abort', onAbort);
          if ('results' in outcome) resolve(outcome.results);
          else reject(outcome.error);
        },
      };
      deadline.signal.addEventListener('abort', onAbort, { once: true });
      group.members.push(member);
      group.inputs += batch.length;
      if (group.inputs >= group.size) this.flush(key, lane, group);
    });
  }

  private openGroup(key: string, lane: Lane, call: BatchedCall<unknown, unknown>): Group {
    const group: Group = { context: call.context, size: call.size, send: call.send, members: [], inputs: 0 };
    group.timer = setTimeout(() => this.flush(key, lane, group), this.windowMs);
    lane.pending = group;
    return group;
  }

  /** A caller's deadline passed or its client went away: it is answered as it would have been alone, now. */
  private leave(key: string, lane: Lane, group: Group, member: Member): void {
    member.left = true;
    member.settle({ error: leavingError(member.deadline, member.inferenceId, group.scope) });
    if (!group.deadline) {
      group.members = group.members.filter((other) => other !== member);
      group.inputs -= member.batch.length;
      if (group.members.length > 0) return;
      clearTimeout(group.timer);
      if (lane.pending === group) lane.pending = undefined;
      this.release(key, lane);
    } else if (group.members.every((other) => other.left)) {
      group.deadline.abort();
    }
  }

  private flush(key: string, lane: Lane, group: Group): void {
    clearTimeout(group.timer);
    if (lane.pending === group) lane.pending = undefined;
    if (group.deadline || group.members.length === 0) return this.release(key, lane);
    const members = [...group.members];
    const longest = Math.max(...members.map((member) => member.deadline.remainingMs())) + SHARED_DEADLINE_SLACK_MS;
    const deadline = new Deadline({ ms: longest, label: `${longest}ms` });
    const scope = newRequestScope(members[0].scope?.id ?? 'coalesced');
    group.deadline = deadline;
    group.scope = scope;
    lane.inFlight++;
    const batch = members.flatMap((member) => member.batch);
    // async: a send that throws at once rejects like any other (this may run in a timer, where a throw would crash).
    const sent = runInRequestScope(scope, async () => group.send({ ...group.context, deadline }, batch));
    sent
      .then(
        (results) => {
          this.noteShared(members, scope, batch.length);
          let offset = 0;
          for (const member of members) {
            const own = results.slice(offset, (offset += member.batch.length));
            if (!member.left) member.settle({ results: own });
          }
        },
        (error: unknown) => {
          this.noteShared(members, scope, batch.length);
          for (const member of members) if (!member.left) member.settle({ error });
        },
      )
      .finally(() => {
        deadline.dispose();
        lane.inFlight--;
        this.release(key, lane);
      });
  }

  /** Each caller's metrics get the shared request's attempts and waits (before any is answered and its metrics end). */
  private noteShared(members: Member[], shared: RequestScope, inputs: number): void {
    for (const member of members) if (!member.left) addSharedCallNotes(member.scope, shared, member.batch.length / inputs);
  }
}
