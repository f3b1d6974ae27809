/** The inputs waiting for one deployment. A batch starts from the oldest input (nobody waits forever) and is
 * filled with the inputs closest to it in length, so that padding to the longest input stays small. */
import type { TextItem } from './model-tokenizer';

export interface QueuedInput<Request> {
  item: TextItem;
  /** Length in characters: a cheap stand-in for the token count. */
  size: number;
  request: Request;
  index: number;
}

/** Inputs up to twice as long (or half as long) as the anchor share its batch, plus a little slack for short ones. */
const LENGTH_RATIO = 2;
const LENGTH_SLACK = 16;

export class BatchQueue<Request> {
  private inputs: QueuedInput<Request>[] = [];

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.inputs.length;
  }

  hasRoomFor(count: number): boolean {
    return this.inputs.length + count <= this.capacity;
  }

  add(request: Request, items: readonly TextItem[]): void {
    items.forEach((item, index) => this.inputs.push({ item, size: item.text.length + (item.pair?.length ?? 0), request, index }));
  }

  /** Drops the inputs of a request that gave up (timeout, client gone); returns how many were still waiting. */
  remove(request: Request): number {
    const before = this.inputs.length;
    this.inputs = this.inputs.filter((input) => input.request !== request);
    return before - this.inputs.length;
  }

  /** Empties the queue; returns the requests that had inputs in it. */
  drain(): Set<Request> {
    const requests = new Set(this.inputs.map((input) => input.request));
    this.inputs = [];
    return requests;
  }

  takeBatch(maxItems: number): QueuedInput<Request>[] {
    const anchor = this.inputs[0];
    if (!anchor) return [];
    const low = anchor.size / LENGTH_RATIO - LENGTH_SLACK;
    const high = anchor.size * LENGTH_RATIO + LENGTH_SLACK;
    const chosen = this.inputs
      .map((input, position) => ({ input, position }))
      .filter(({ input }) => input.size >= low && input.size <= high)
      .sort((a, b) => Math.abs(a.input.size - anchor.size) - Math.abs(b.input.size - anchor.size) || a.position - b.position)
      .slice(0, maxItems);
    const taken = new Set(chosen.map(({ position }) => position));
    this.inputs = this.inputs.filter((_, position) => !taken.has(position));
    return chosen.map(({ input }) => input);
  }
}
