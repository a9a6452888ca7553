/** How many different messages are held back at once; past that, lines are written as they come. */
const maxHeldBack = 100;

interface HeldBack {
  repeated: number;
  write: (repeated: number) => void;
  readonly timer: NodeJS.Timeout;
}

// Every instance holding lines back, so that shutdown can write their counts before the process ends.
const holding = new Set<RepeatedLogLines>();

/**
 * Keeps an outage from flooding the log: while the database is down, every request and every pool acquire
 * fails the same way, thousands of times a second. The first line of a kind is written at once; the same kind
 * again within `windowMs` is only counted, and written once when the window ends, with that count.
 */
export class RepeatedLogLines {
  private readonly heldBack = new Map<string, HeldBack>();

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
    // Unreferenced: a window still open never keeps the process alive; shutdown writes it out instead.
    const timer = setTimeout(() => this.end(kind), this.windowMs).unref();
    this.heldBack.set(kind, { repeated: 0, write, timer });
    holding.add(this);
  }

  /** Ends every open window now, writing the counts held back. */
  flush(): void {
    for (const kind of [...this.heldBack.keys()]) this.end(kind);
  }

  private end(kind: string): void {
    const ended = this.heldBack.get(kind);
    if (!ended) return;
    clearTimeout(ended.timer);
    this.heldBack.delete(kind);
    if (this.heldBack.size === 0) holding.delete(this);
    if (ended.repeated > 0) ended.write(ended.repeated);
  }
}

/** Writes the counts of every line held back anywhere in the process: the last step before it exits. */
export function flushRepeatedLogLines(): void {
  for (const lines of [...holding]) lines.flush();
}
