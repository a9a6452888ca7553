/** Thrown when the queue is full: the caller answers 429 with Retry-After instead of waiting. */
export class HashingQueueFull extends Error {
  constructor() {
    super('too many password checks are waiting');
    this.name = 'HashingQueueFull';
  }
}

/**
 * Runs password checks a few at a time, each waiting its turn in a short queue. One scrypt check takes a
 * core and 128 MiB for about half a second: without a bound, a flood of logins would take every core and
 * the memory from the voters, and make every login slower than its wait for a turn.
 */
export class HashingQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) this.running += 1;
    else if (this.waiting.length < this.maxWaiting)
      await new Promise<void>((turn) => this.waiting.push(turn));
    else throw new HashingQueueFull();
    try {
      return await task();
    } finally {
      // The turn passes straight to the next waiting task, so `running` counts it without a gap.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
