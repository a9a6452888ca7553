/**
 * Everything the scale test starts registers here how to take it down again: gently (awaited, bounded) on
 * the normal path, and at once (synchronous) when the process is exiting and can no longer wait — a crash,
 * Ctrl-C, or the hard deadline. Steps run last-in, first-out, each at most once.
 */
export interface TeardownStep {
  readonly name: string;
  /** The normal way down; given `gentleMs` before the step is abandoned for `now`. */
  gently(): Promise<void>;
  /** The last resort: must not wait for anything (signals, synchronous file removal). */
  now(): void;
}

const gentleMs = 15_000;

export class Teardown {
  private readonly steps: TeardownStep[] = [];
  private readonly onExit = () => this.now();

  constructor() {
    // A crash or process.exit() skips every `finally`: this listener is what still runs.
    process.on('exit', this.onExit);
  }

  add(step: TeardownStep): void {
    this.steps.push(step);
  }

  /** Runs every step gently, newest first; a step that fails or hangs is finished with `now`. */
  async gently(): Promise<string[]> {
    const problems: string[] = [];
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`took longer than ${gentleMs / 1000} s`)), gentleMs);
      });
      try {
        await Promise.race([step.gently(), timedOut]);
      } catch (error) {
        problems.push(`stopping ${step.name}: ${(error as Error).message}`);
        step.now();
      } finally {
        clearTimeout(timer);
      }
    }
    process.off('exit', this.onExit);
    return problems;
  }

  /** Takes everything down without waiting; safe to call from an 'exit' listener or a signal handler. */
  now(): void {
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        step.now();
      } catch {
        // Keep going: the remaining steps matter more than this one's error.
      }
    }
    process.off('exit', this.onExit);
  }
}
