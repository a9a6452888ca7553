import type { ChannelListener } from '../db/listener.js';
import { ListenedCache } from './listened-cache.js';
import { summaryOf, type Ballot, type QuestionRead } from './polls-repository.js';

export interface BallotSource {
  findPublished(id: number): Promise<QuestionRead | undefined>;
}

// Far more questions than voters read at once; ids come from clients, so a bound all the same.
const maxKept = 1_000;

/**
 * Published questions' ballots (text and choices, never votes), kept in memory while nothing can have changed
 * them (polls/listened-cache.ts). A published question stays published as the clock moves on, but an open
 * one closes: it is kept only until its closing time, by the database's clock, and read again then.
 * Questions that are not published are never kept.
 */
export class BallotCache {
  private readonly cache: ListenedCache<number, Ballot | undefined>;

  constructor(
    private readonly source: BallotSource,
    listener: ChannelListener,
    now?: () => number,
  ) {
    this.cache = new ListenedCache(listener, maxKept, now);
  }

  /** The published question's ballot, or undefined when it is not published. */
  get(id: number): Promise<Ballot | undefined> {
    return this.cache.get(id, async () => {
      const question = await this.source.findPublished(id);
      return { value: ballotOf(question), keepForMs: question ? (question.msUntilClose ?? Infinity) : 0 };
    });
  }

  /** Forgets every ballot: the next call for each reads it again. */
  invalidate(): void {
    this.cache.invalidate();
  }
}

function ballotOf(question: QuestionRead | undefined): Ballot | undefined {
  if (!question) return undefined;
  const choices = question.choices.map((choice) => ({ id: choice.id, choiceText: choice.choiceText }));
  // A Ballot's fields only: the read's msUntilClose is the cache's business, not its callers'.
  return { ...summaryOf(question), choices };
}
