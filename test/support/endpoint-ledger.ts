/** What a crash test knows about its endpoints. Each id has at most one write in flight; a write is acknowledged
 * (it becomes the id's `confirmed` state) only once its whole 200 response arrived. A write whose answer never came
 * stays `pending`: after a crash the id may be in either state. Each write has its own generation number, from which
 * the endpoint's `user` task setting and its api_key are derived, so a stored row names the write it came from. */

export type EndpointState = { present: false } | { present: true; generation: number };

export interface LedgerEntry {
  id: string;
  confirmed: EndpointState;
  pending?: EndpointState;
}

export const ABSENT: EndpointState = { present: false };

export const userOf = (id: string, generation: number) => `${id}-g${generation}`;
export const apiKeyOf = (id: string, generation: number) => `sk-crash-${id}-g${generation}-5e1f0c9a7b3d`;

/** The generation a stored `user` task setting names, or undefined if it names none of this id. */
export function generationOf(id: string, user: unknown): number | undefined {
  if (typeof user !== 'string' || !user.startsWith(`${id}-g`)) return undefined;
  const generation = Number(user.slice(id.length + 2));
  return Number.isInteger(generation) ? generation : undefined;
}

export const describeState = (state: EndpointState | undefined) =>
  state === undefined ? 'none' : state.present ? `present g${state.generation}` : 'absent';

const sameState = (a: EndpointState, b: EndpointState | undefined) =>
  b !== undefined && a.present === b.present && (!a.present || (b.present && a.generation === b.generation));

export class EndpointLedger {
  readonly entries: LedgerEntry[];
  private generation = 0;

  constructor(ids: string[]) {
    this.entries = ids.map((id) => ({ id, confirmed: ABSENT }));
  }

  nextGeneration(): number {
    return ++this.generation;
  }

  /** Where `actual` is neither the confirmed state nor the pending one: a lost acknowledged write, or a corrupt one. */
  mismatches(actual: Map<string, EndpointState>): string[] {
    const wrong: string[] = [];
    for (const entry of this.entries) {
      const found = actual.get(entry.id) ?? ABSENT;
      if (sameState(found, entry.confirmed) || sameState(found, entry.pending)) continue;
      wrong.push(`${entry.id}: found ${describeState(found)}, acknowledged ${describeState(entry.confirmed)}, in flight ${describeState(entry.pending)}`);
    }
    for (const id of actual.keys()) if (!this.entries.some((entry) => entry.id === id)) wrong.push(`${id}: never written`);
    return wrong;
  }

  /** After a check: what the server holds is now known, in-flight writes included. */
  settle(actual: Map<string, EndpointState>): { landed: number; lost: number } {
    let landed = 0;
    let lost = 0;
    for (const entry of this.entries) {
      const found = actual.get(entry.id) ?? ABSENT;
      if (entry.pending) {
        if (sameState(found, entry.pending) && !sameState(found, entry.confirmed)) landed++;
        else lost++;
      }
      entry.confirmed = found;
      entry.pending = undefined;
    }
    return { landed, lost };
  }
}
