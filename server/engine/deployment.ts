/**
 * One deployment of a model: its allocations (worker threads, each with its own session of `threads` threads),
 * the queue of inputs waiting for them, and the batching between the two. An idle allocation takes a batch at
 * once, so a lone request waits for nothing; under load inputs pile up while every allocation is busy and leave
 * together in the next batch. With adaptive allocations the number of allocations follows the backlog.
 */
import { statusException } from '../http/errors';
import type { Logger } from '../logger';
import { Allocation, AllocationError } from './allocation';
import { BatchQueue, type QueuedInput } from './batch-queue';
import { DeploymentCounters } from './deployment-counters';
import type { ModelPlan } from './model-plan';
import type { TextItem } from './model-tokenizer';

export interface AdaptiveAllocations {
  enabled: boolean;
  min: number;
  max: number;
}

export interface AllocationSettings {
  threads: number;
  /** Fixed allocations (or the starting number when adaptive). */
  allocations?: number;
  adaptive?: AdaptiveAllocations;
}

export interface DeploymentOptions {
  id: string;
  modelId: string;
  dir: string;
  settings: AllocationSettings;
  queueCapacity: number;
  maxBatchSize: number;
  scaleDownAfterMs: number;
  scaleToZeroAfterMs: number;
  cpus: number;
  logger: Logger;
}

export type DeploymentState = 'starting' | 'started' | 'stopping' | 'failed';

interface PendingRequest {
  results: unknown[];
  waiting: number;
  resolve(results: unknown[]): void;
  reject(error: Error): void;
  settled: boolean;
}

export class Deployment {
  readonly id: string;
  readonly modelId: string;
  readonly dir: string;
  readonly startTime = Date.now();
  readonly counters = new DeploymentCounters();
  state: DeploymentState = 'starting';
  plan?: ModelPlan;
  settings: AllocationSettings;
  private allocations: Allocation[] = [];
  private readonly queue: BatchQueue<PendingRequest>;
  /** Adaptive allocations: how many allocations the backlog currently calls for. */
  private adaptiveTarget: number;
  private lastActivity = Date.now();
  private dispatchScheduled = false;
  private readonly scaler: NodeJS.Timeout;

  constructor(private readonly options: DeploymentOptions) {
    this.id = options.id;
    this.modelId = options.modelId;
    this.dir = options.dir;
    this.settings = options.settings;
    this.queue = new BatchQueue(options.queueCapacity);
    this.adaptiveTarget = this.initialAllocations();
    const tick = Math.max(20, Math.min(1000, options.scaleDownAfterMs / 4, options.scaleToZeroAfterMs / 4));
    this.scaler = setInterval(() => this.scaleDown(), tick);
    this.scaler.unref();
  }

  /** Starts the first allocation(s); resolves once one is ready, with what the engine made of the model. */
  async start(): Promise<ModelPlan> {
    this.reconcile();
    try {
      this.plan = await (this.allocations[0]?.ready ?? this.spawn().ready);
      this.state = 'started';
      return this.plan;
    } catch (error) {
      this.state = 'failed';
      await this.stop();
      throw error;
    }
  }

  /** Runs the inputs through the model; resolves with one result per input, in input order. */
  infer(items: TextItem[], signal: AbortSignal): Promise<unknown[]> {
    if (items.length > this.queue.capacity) {
      // However long the caller waits, this request cannot fit: a 429 would only invite retries that never succeed.
      return Promise.reject(
        statusException(
          400,
          `[${this.id}] the request has [${items.length}] inputs, more than the inference process queue holds [${this.queue.capacity}]; send at most [${this.queue.capacity}] inputs per request`,
        ),
      );
    }
    if (!this.queue.hasRoomFor(items.length)) {
      this.counters.rejectedCount++;
      return Promise.reject(
        statusException(
          429,
          `[${this.id}] inference process queue is full. Unable to execute command: ${this.queue.size} of ${this.queue.capacity} inputs are waiting`,
        ),
      );
    }
    this.lastActivity = Date.now();
    return new Promise<unknown[]>((resolve, reject) => {
      // The listener goes when the request settles: a caller may send several requests under one signal (chunks).
      const forget = () => signal.removeEventListener('abort', giveUp);
      const request: PendingRequest = {
        results: new Array(items.length),
        waiting: items.length,
        resolve: (results) => (forget(), resolve(results)),
        reject: (error) => (forget(), reject(error)),
        settled: false,
      };
      const giveUp = () => {
        if (request.settled) return;
        if (this.queue.remove(request) > 0 && (signal.reason as { status?: number } | undefined)?.status === 408) this.counters.timeoutCount++;
        this.settle(request, signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      if (signal.aborted) return giveUp();
      signal.addEventListener('abort', giveUp, { once: true });
      this.queue.add(request, items);
      this.scaleUp();
      this.dispatchSoon();
    });
  }

  updateSettings(settings: AllocationSettings): void {
    const wasAdaptive = this.settings.adaptive?.enabled;
    this.settings = settings;
    if (settings.adaptive?.enabled && !wasAdaptive) this.adaptiveTarget = this.allocations.length;
    this.adaptiveTarget = this.clampAdaptive(this.adaptiveTarget);
    this.reconcile();
  }

  /** Allocations that have loaded the model. */
  get allocationCount(): number {
    return this.allocations.filter((allocation) => allocation.isReady).length;
  }

  get targetAllocationCount(): number {
    return this.settings.adaptive?.enabled ? this.adaptiveTarget : (this.settings.allocations ?? 1);
  }

  get queueCapacity(): number {
    return this.queue.capacity;
  }

  get pendingInputs(): number {
    return this.queue.size;
  }

  async stop(): Promise<void> {
    this.state = 'stopping';
    clearInterval(this.scaler);
    const stopping = this.allocations.map((allocation) => allocation.stop());
    this.allocations = [];
    for (const request of this.queue.drain()) this.settle(request, statusException(400, `Deployment [${this.id}] was stopped`));
    await Promise.all(stopping);
  }

  private initialAllocations(): number {
    const { allocations, adaptive } = this.settings;
    if (!adaptive?.enabled) return allocations ?? 1;
    return this.clampAdaptive(allocations ?? Math.max(1, adaptive.min));
  }

  /** Adaptive allocations never take more cores than the machine has (allocations x threads), nor exceed max. */
  private clampAdaptive(target: number): number {
    const adaptive = this.settings.adaptive;
    if (!adaptive) return target;
    const cap = Math.max(1, Math.min(adaptive.max, Math.floor(this.options.cpus / this.settings.threads)));
    return Math.min(Math.max(target, adaptive.min), Math.max(cap, adaptive.min));
  }

  /** Starts or stops allocations until their number matches the target. Busy allocations finish their batch first. */
  private reconcile(): void {
    if (this.state === 'stopping' || this.state === 'failed') return;
    const target = this.targetAllocationCount;
    while (this.allocations.length < target) this.spawn();
    const surplus = this.allocations.length - target;
    if (surplus > 0) {
      const idle = this.allocations.filter((allocation) => !allocation.busy).sort((a, b) => a.idleSince - b.idleSince);
      for (const allocation of idle.slice(0, surplus)) this.retire(allocation);
    }
  }

  private spawn(): Allocation {
    const allocation = new Allocation(this.dir, this.settings.threads, (gone, error) => this.lost(gone, error));
    this.allocations.push(allocation);
    allocation.ready.then(
      () => {
        // Idleness counts from when the model is loaded: on a slow machine loading alone may outlast the idle limits.
        allocation.idleSince = Date.now();
        this.lastActivity = Date.now();
        this.dispatch();
      },
      (error: Error) => {
        this.options.logger.error({ deployment: this.id, err: error.message }, 'allocation failed to start');
        this.allocations = this.allocations.filter((candidate) => candidate !== allocation);
      },
    );
    return allocation;
  }

  private retire(allocation: Allocation): void {
    this.allocations = this.allocations.filter((candidate) => candidate !== allocation);
    void allocation.stop();
    this.options.logger.info({ deployment: this.id, allocations: this.allocations.length }, 'allocation stopped');
  }

  /** An allocation's thread died: its batch has already failed; start a replacement. */
  private lost(allocation: Allocation, error: Error): void {
    this.options.logger.error({ deployment: this.id, err: error.message }, 'allocation exited');
    this.allocations = this.allocations.filter((candidate) => candidate !== allocation);
    this.reconcile();
  }

  private scaleUp(): void {
    if (!this.settings.adaptive?.enabled) return;
    const starting = this.allocations.some((allocation) => !allocation.isReady);
    const idle = this.allocations.some((allocation) => allocation.isReady && !allocation.busy);
    if (this.queue.size > 0 && !idle && !starting) {
      const raised = this.clampAdaptive(this.adaptiveTarget + 1);
      if (raised !== this.adaptiveTarget) {
        this.adaptiveTarget = raised;
        this.options.logger.info({ deployment: this.id, target: raised }, 'adaptive allocations: scaling up');
      }
    }
    this.reconcile();
  }

  private scaleDown(): void {
    const adaptive = this.settings.adaptive;
    if (!adaptive?.enabled || this.queue.size > 0) return;
    // An allocation still loading its model is not idle: stopping it would fail the request that started it.
    if (this.allocations.some((allocation) => allocation.busy || !allocation.isReady)) return;
    const now = Date.now();
    const floor = Math.max(adaptive.min, 1);
    const longestIdle = Math.min(...this.allocations.map((allocation) => allocation.idleSince));
    let target = this.adaptiveTarget;
    if (target > floor && now - longestIdle >= this.options.scaleDownAfterMs) target--;
    else if (target === 1 && adaptive.min === 0 && now - this.lastActivity >= this.options.scaleToZeroAfterMs) target = 0;
    if (target === this.adaptiveTarget) return;
    this.adaptiveTarget = target;
    this.options.logger.info({ deployment: this.id, target }, 'adaptive allocations: scaling down');
    this.reconcile();
  }

  /** Dispatches once the event loop has read what else has arrived: requests that came in together (parsed in the
   * same turn of the loop) leave in one batch instead of one batch each, and an idle deployment waits only for the
   * rest of that turn, not for a timer. */
  private dispatchSoon(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    setImmediate(() => {
      this.dispatchScheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const allocation of this.allocations) {
      if (!allocation.isReady || allocation.busy || this.queue.size === 0) continue;
      const batch = this.queue.takeBatch(this.options.maxBatchSize);
      if (batch.length > 0) this.runBatch(allocation, batch);
    }
  }

  private runBatch(allocation: Allocation, batch: QueuedInput<PendingRequest>[]): void {
    allocation.busy = true;
    allocation.run(batch.map((input) => input.item)).then(
      ({ outcome, ms }) => {
        this.counters.recordBatch(batch.length, ms, outcome.tokens, outcome.paddedTokens);
        batch.forEach((input, position) => this.deliver(input, outcome.results.values[position]));
      },
      (error: Error) => {
        this.counters.errorCount += batch.length;
        const failure =
          error instanceof AllocationError
            ? statusException(500, `[${this.id}] inference process failed: ${error.message}`)
            : error;
        for (const input of batch) this.settle(input.request, failure);
      },
    ).finally(() => {
      allocation.busy = false;
      allocation.idleSince = Date.now();
      this.lastActivity = Date.now();
      this.reconcile();
      this.scaleUp();
      this.dispatch();
    });
  }

  private deliver(input: QueuedInput<PendingRequest>, result: unknown): void {
    const request = input.request;
    if (request.settled) return;
    request.results[input.index] = result;
    if (--request.waiting === 0) this.settle(request);
  }

  private settle(request: PendingRequest, error?: Error): void {
    if (request.settled) return;
    request.settled = true;
    if (error) {
      this.queue.remove(request);
      request.reject(error);
    } else request.resolve(request.results);
  }
}
