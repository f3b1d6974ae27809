/** One at a time per key: each call runs after the previous one for the same key has settled. */
export class KeyedTurns {
  private readonly last = new Map<string, Promise<unknown>>();

  busy(key: string): boolean {
    return this.last.has(key);
  }

  take<T>(key: string, run: () => Promise<T> | T): Promise<T> {
    const turn = (this.last.get(key) ?? Promise.resolve()).then(run);
    const settled = turn.catch(() => {});
    this.last.set(key, settled);
    void settled.then(() => {
      if (this.last.get(key) === settled) this.last.delete(key);
    });
    return turn;
  }
}
