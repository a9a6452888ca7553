import type { ChannelListener } from '../db/listener.js';
import { ListenedCache } from './listened-cache.js';
import type { Ballot, Question } from './polls-repository.js';

export interface BallotSource {
  findPublished(id: number): Promise<Question | undefined>;
}

// Far more questions than voters read at once; ids come from clients, so a bound all the same.
const maxKept = 1_000;

/**
 * Published questions' ballots (text and choices, never votes), kept in memory while nothing can have changed
 * them (polls/listened-cache.ts). Time cannot: a published question stays published as the clock moves on.
 * Questions that are not published are never kept.
 */
export class BallotCache {
  private readonly cache: ListenedCache<number, Ballot | undefined>;

  constructor(
    private readonly source: BallotSource,
    listener: ChannelListener,
  ) {
    this.cache = new ListenedCache(listener, maxKept);
  }

  /** The published question's ballot, or undefined when it is not published. */
  get(id: number): Promise<Ballot | undefined> {
    return this.cache.get(id, async () => {
      const ballot = ballotOf(await this.source.findPublished(id));
      return { value: ballot, keepForMs: ballot ? Infinity : 0 };
    });
  }

  /** Forgets every ballot: the next call for each reads it again. */
  invalidate(): void {
    this.cache.invalidate();
  }
}

function ballotOf(question: Question | undefined): Ballot | undefined {
  if (!question) return undefined;
  const { choices, ...summary } = question;
  return { ...summary, choices: choices.map(({ id, choiceText }) => ({ id, choiceText })) };
}
