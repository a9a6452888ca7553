/** Thrown when the queue is full: the caller answers 429 with Retry-After instead of waiting. */
export class QueueFull extends Error {
  constructor() {
    super('too many tasks are waiting');
    this.name = 'QueueFull';
  }
}

interface Waiting {
  readonly rank: number;
  start(): void;
  refuse(): void;
}

/**
 * Runs tasks a few at a time, each waiting its turn in a short queue; when the queue is full, more are
 * refused at once. Logins use two: the password checks (one scrypt check takes a core and 128 MiB for about
 * half a second) and the throttle's database work (a login must never take the connections votes need).
 * Without bounds a login flood would take every core, the memory and the pool from the voters.
 *
 * A waiting task with a lower rank goes first, and a new one with a lower rank than the last in a full queue
 * takes that one's place. Password checks are ranked by their address's failures so far: a flood from
 * addresses that keep failing cannot hold the queue against an editor at an address with a clean record.
 * The rank never depends on the username, so the queue tells nothing about which accounts exist.
 */
export class WorkQueue {
  private running = 0;
  // Kept in order of rank, then arrival.
  private readonly waiting: Waiting[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(rank: number, task: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) this.running += 1;
    else await this.turn(rank);
    try {
      return await task();
    } finally {
      // The turn passes straight to the next waiting task, so `running` counts it without a gap.
      const next = this.waiting.shift();
      if (next) next.start();
      else this.running -= 1;
    }
  }

  private turn(rank: number): Promise<void> {
    if (this.waiting.length >= this.maxWaiting) {
      const last = this.waiting.at(-1);
      if (!last || last.rank <= rank) throw new QueueFull();
      this.waiting.pop();
      last.refuse();
    }
    return new Promise((start, refuse) => {
      const position = this.waiting.findIndex((other) => other.rank > rank);
      const entry = { rank, start, refuse: () => refuse(new QueueFull()) };
      if (position === -1) this.waiting.push(entry);
      else this.waiting.splice(position, 0, entry);
    });
  }
}
