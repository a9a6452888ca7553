import type { Context } from 'koa';
import { parseId } from '../web/ids.js';
import type { BallotCache } from './ballot-cache.js';
import { CoalescedReads } from './coalesced-reads.js';
import type { Ballot, Choice, PollsRepository, Question } from './polls-repository.js';

/** What voters and API clients may read of a published question: its ballot from memory, its votes fresh. */
export class PublishedQuestions {
  private readonly votes: CoalescedReads<number, readonly Choice[]>;

  constructor(
    polls: PollsRepository,
    private readonly ballots: BallotCache,
  ) {
    this.votes = new CoalescedReads((id) => polls.choicesWithVotes(id));
  }

  ballot(id: number): Promise<Ballot | undefined> {
    return this.ballots.get(id);
  }

  /** This process changed a question: forget what is kept of it without waiting for the notification. */
  invalidate(): void {
    this.ballots.invalidate();
  }

  /**
   * With the votes as the database has them now, so a voter sent to the results sees their vote on any
   * replica; concurrent requests for one question share the read. No choices left means the question
   * stopped being published a moment ago.
   */
  async withVotes(id: number): Promise<Question | undefined> {
    const ballot = await this.ballots.get(id);
    if (!ballot) return undefined;
    const choices = await this.votes.get(id);
    return choices.length === 0 ? undefined : { ...ballot, choices };
  }
}

/** What `find` says of the route's :id, or a 404 with `notFound` (malformed ids included). */
export async function publishedOr404<Found>(
  ctx: Context,
  find: (id: number) => Promise<Found | undefined>,
  notFound: string,
): Promise<Found> {
  const id = parseId(ctx.params.id);
  const found = id === undefined ? undefined : await find(id);
  if (found === undefined) return ctx.throw(404, notFound);
  return found;
}
