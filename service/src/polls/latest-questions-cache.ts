import type { ChannelListener } from '../db/listener.js';
import { ListenedCache } from './listened-cache.js';
import type { LatestQuestions, QuestionSummary } from './polls-repository.js';

/** How many questions the index lists (the Django tutorial's five). */
export const indexLength = 5;

export interface LatestQuestionsSource {
  latestAndNextPublication(limit: number): Promise<LatestQuestions>;
}

/**
 * The index's latest questions, kept in memory while they cannot have changed (polls/listened-cache.ts):
 * until a write that can change them is announced, or until the next scheduled question goes public,
 * whichever comes first.
 */
export class LatestQuestionsCache {
  // One key, the index's length: the cache keeps one list.
  private readonly cache: ListenedCache<number, readonly QuestionSummary[]>;

  constructor(
    private readonly source: LatestQuestionsSource,
    listener: ChannelListener,
    now?: () => number,
  ) {
    this.cache = new ListenedCache(listener, 1, now);
  }

  get(): Promise<readonly QuestionSummary[]> {
    return this.cache.get(indexLength, async () => {
      const { questions, msUntilNextPublication } = await this.source.latestAndNextPublication(indexLength);
      return { value: questions, keepForMs: msUntilNextPublication ?? Infinity };
    });
  }

  /** Forgets the questions: the next call reads them again. */
  invalidate(): void {
    this.cache.invalidate();
  }
}
