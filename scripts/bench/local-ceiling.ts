/**
 * bench:local's ceiling: the same model driven in this process with nothing between the caller and the model (no
 * HTTP, no JSON, no queue). Throughput: every layout of the machine's cores (one session of all of them, one
 * 1-thread session per core, each on its own worker thread as allocations are) looping over fixed batches; the best
 * is the ceiling. Latency: one sentence at a time on a session run from this thread.
 */
import { availableParallelism } from 'node:os';
import { Allocation } from '../../server/engine/allocation';
import { ModelRunner } from '../../server/engine/model-runner';
import { drive, type Figures } from './local-load';

export interface Layout {
  allocations: number;
  threads: number;
}

export const layoutName = ({ allocations, threads }: Layout) => `${allocations}x${threads}`;

export function coreLayouts(): Layout[] {
  const cores = availableParallelism();
  return cores === 1 ? [{ allocations: 1, threads: 1 }] : [{ allocations: 1, threads: cores }, { allocations: cores, threads: 1 }];
}

const processCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

export class Ceiling {
  private constructor(
    private readonly layouts: Map<string, Allocation[]>,
    private readonly runners: Map<number, ModelRunner>,
  ) {}

  static async load(dir: string, layouts: Layout[]): Promise<Ceiling> {
    const loaded = new Map<string, Allocation[]>();
    for (const layout of layouts) {
      const allocations = Array.from({ length: layout.allocations }, () => new Allocation(dir, layout.threads, () => undefined));
      await Promise.all(allocations.map((allocation) => allocation.ready));
      loaded.set(layoutName(layout), allocations);
    }
    const runners = new Map<number, ModelRunner>();
    for (const threads of new Set(layouts.map((layout) => layout.threads))) runners.set(threads, await ModelRunner.load(dir, threads));
    return new Ceiling(loaded, runners);
  }

  /** Inputs/s of one layout, each of its allocations looping over batches of `batch` sentences. */
  throughput(layout: string, seconds: number, batch: (client: number, round: number) => string[]): Promise<Figures> {
    const allocations = this.layouts.get(layout)!;
    return drive(allocations.length, seconds, async (client, round) => {
      const texts = batch(client, round);
      await allocations[client].run(texts.map((text) => ({ text })));
      return texts.length;
    }, processCpuSeconds);
  }

  /** One sentence at a time on a session of `threads` threads. */
  sequential(threads: number, seconds: number, sentence: (round: number) => string): Promise<Figures> {
    const runner = this.runners.get(threads)!;
    return drive(1, seconds, async (_, round) => {
      await runner.run([{ text: sentence(round) }]);
      return 1;
    }, processCpuSeconds);
  }

  get sessionThreads(): number[] {
    return [...this.runners.keys()];
  }

  async close(): Promise<void> {
    for (const allocations of this.layouts.values()) await Promise.all(allocations.map((allocation) => allocation.stop()));
    for (const runner of this.runners.values()) await runner.release();
  }
}
