import type { ChannelListener } from '../db/listener.js';
import { ListenedCache } from './listened-cache.js';
import type { LatestQuestions, QuestionSummary } from './polls-repository.js';

/** How many questions the index lists (the Django tutorial's five). */
export const indexLength = 5;

export interface LatestQuestionsSource {
  latestAndNextChange(limit: number): Promise<LatestQuestions>;
}

/** The index's questions, and until when they stay as they are unless someone writes. */
export interface LatestIndex {
  readonly questions: readonly QuestionSummary[];
  /** On the `now` clock of the cache: when the next question goes public or a listed one closes. */
  readonly changesAt: number;
}

/**
 * The index's latest questions, kept in memory while they cannot have changed (polls/listened-cache.ts):
 * until a write that can change them is announced, or until the next scheduled question goes public or a
 * listed one closes, whichever comes first.
 */
export class LatestQuestionsCache {
  // One key, the index's length: the cache keeps one list.
  private readonly cache: ListenedCache<number, LatestIndex>;

  constructor(
    private readonly source: LatestQuestionsSource,
    listener: ChannelListener,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.cache = new ListenedCache(listener, 1, now);
  }

  /** The same object until the questions change. */
  get(): Promise<LatestIndex> {
    return this.cache.get(indexLength, async () => {
      // Measured from before the query, so the list changes no later than the database's clock says.
      const startedAt = this.now();
      const { questions, msUntilChange } = await this.source.latestAndNextChange(indexLength);
      const keepForMs = msUntilChange ?? Infinity;
      return { value: { questions, changesAt: startedAt + keepForMs }, keepForMs };
    });
  }

  /** Milliseconds from now until `index` changes by the clock alone. */
  msUntilChange(index: LatestIndex): number {
    return index.changesAt - this.now();
  }

  /** Forgets the questions: the next call reads them again. */
  invalidate(): void {
    this.cache.invalidate();
  }
}
