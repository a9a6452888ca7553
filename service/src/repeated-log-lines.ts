/** How many different messages are held back at once; past that, lines are written as they come. */
const maxHeldBack = 100;

/**
 * Keeps an outage from flooding the log: while the database is down, every request and every pool acquire
 * fails the same way, thousands of times a second. The first line of a kind is written at once; the same kind
 * again within `windowMs` is only counted, and written once when the window ends, with that count.
 */
export class RepeatedLogLines {
  private readonly heldBack = new Map<string, { repeated: number; write: (repeated: number) => void }>();

  constructor(private readonly windowMs = 10_000) {}

  /** Calls `write(0)` now, or `write(n)` at the end of the window for the `n` lines of this `kind` held back. */
  write(kind: string, write: (repeated: number) => void): void {
    const held = this.heldBack.get(kind);
    if (held) {
      held.repeated += 1;
      held.write = write; // the latest, so the summary carries the latest details
      return;
    }
    write(0);
    if (this.heldBack.size >= maxHeldBack) return;
    this.heldBack.set(kind, { repeated: 0, write });
    setTimeout(() => {
      const ended = this.heldBack.get(kind)!;
      this.heldBack.delete(kind);
      if (ended.repeated > 0) ended.write(ended.repeated);
    }, this.windowMs).unref();
  }
}
