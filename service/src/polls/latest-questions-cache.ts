import type { ChannelListener } from '../db/listener.js';
import type { LatestQuestions, QuestionSummary } from './polls-repository.js';

/** How many questions the index lists (the Django tutorial's five). */
export const indexLength = 5;

export interface LatestQuestionsSource {
  latestAndNextPublication(limit: number): Promise<LatestQuestions>;
}

/**
 * The index's latest questions, kept in memory only while they cannot have changed: until a write that can
 * change them is announced (this process's own at once through `invalidate`, every replica's through
 * `listener`), or until the next scheduled question goes public, whichever comes first. Whenever the
 * listener cannot vouch for missing nothing, every call reads the database.
 */
export class LatestQuestionsCache {
  // Bumped by every invalidation, so a load that started before one is never kept.
  private generation = 0;
  private kept: { questions: readonly QuestionSummary[]; expiresAt: number } | undefined;
  private loading: Promise<readonly QuestionSummary[]> | undefined;

  constructor(
    private readonly source: LatestQuestionsSource,
    private readonly listener: ChannelListener,
    private readonly now: () => number = () => performance.now(),
  ) {
    listener.subscribe(() => this.invalidate());
  }

  async get(): Promise<readonly QuestionSummary[]> {
    const kept = this.peek();
    if (kept) return kept;
    if (!this.listener.listening) return (await this.source.latestAndNextPublication(indexLength)).questions;
    // Concurrent requests share one load instead of each querying.
    if (!this.loading) {
      const loading = this.load();
      this.loading = loading;
      const forget = () => {
        if (this.loading === loading) this.loading = undefined;
      };
      loading.then(forget, forget);
    }
    return this.loading;
  }

  /** The questions kept in memory while they are current, without reading anything; else undefined. */
  private peek(): readonly QuestionSummary[] | undefined {
    if (!this.listener.listening || !this.kept || this.now() >= this.kept.expiresAt) return undefined;
    return this.kept.questions;
  }

  /** Forgets the questions: the next call reads them again. */
  invalidate(): void {
    this.generation += 1;
    this.kept = undefined;
    this.loading = undefined;
  }

  private async load(): Promise<readonly QuestionSummary[]> {
    const generation = this.generation;
    // Measured from before the query, so the questions expire no later than the database's clock says.
    const startedAt = this.now();
    const { questions, msUntilNextPublication } = await this.source.latestAndNextPublication(indexLength);
    if (generation === this.generation) {
      this.kept = { questions, expiresAt: startedAt + (msUntilNextPublication ?? Infinity) };
    }
    return questions;
  }
}
