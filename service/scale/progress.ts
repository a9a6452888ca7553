/** How far the load has come, for the fault schedule to wait on. */
export class Progress {
  private answered = 0;
  private ended = false;
  private readonly waiting: { count: number; resolve(reached: boolean): void }[] = [];

  constructor(private readonly total: number) {}

  update(answered: number): void {
    this.answered = answered;
    this.settle();
  }

  /** The load is over: whoever still waits learns that its moment never came. */
  end(): void {
    this.ended = true;
    this.settle();
  }

  /** Resolves true once `fraction` of the votes were answered, false if the load ends first. */
  reached(fraction: number): Promise<boolean> {
    return new Promise((resolve) => {
      this.waiting.push({ count: Math.ceil(fraction * this.total), resolve });
      this.settle();
    });
  }

  private settle(): void {
    for (let index = this.waiting.length - 1; index >= 0; index--) {
      const waiter = this.waiting[index]!;
      if (this.answered >= waiter.count) waiter.resolve(true);
      else if (this.ended) waiter.resolve(false);
      else continue;
      this.waiting.splice(index, 1);
    }
  }
}
