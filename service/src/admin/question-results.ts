import type { Knex } from 'knex';
import type { Context } from 'koa';
import { apportionedShares } from '../polls/apportioned-shares.js';
import type { QuestionSummary } from '../polls/polls-repository.js';
import { openSql } from '../polls/publication.js';
import type { VotingRule } from '../polls/voting-rules.js';
import { parseId } from '../web/ids.js';

export interface ChoiceResult {
  readonly id: number;
  readonly choiceText: string;
  /** Exact: counts are bigint, read as text. */
  readonly votes: bigint;
  /** Of all the question's votes; the shares of a question sum to 1000 when anyone voted. */
  readonly shareInTenthsOfAPercent: number;
}

/**
 * A question's counts as of one moment, for an editor to take away: the voters' summary of it (`closed` as of
 * `readAt`), published or not.
 */
export interface QuestionResults extends QuestionSummary {
  /** When the counts were read: the database's clock at the start of the reading statement. */
  readonly readAt: Date;
  readonly totalVotes: bigint;
  readonly choices: readonly ChoiceResult[];
}

interface Row {
  id: number;
  question_text: string;
  pub_date: Date | string;
  voting_rule: VotingRule;
  closes_at: Date | string | null;
  closed: boolean;
  read_at: Date | string;
  choice_id: number | null;
  choice_text: string | null;
  votes: string | null;
}

// One statement, so one snapshot: under READ COMMITTED "a SELECT query ... sees a snapshot of the database as
// of the instant the query begins to run" (PostgreSQL 15 manual, 13.2.1). Votes committed while it runs are
// either all in the counts or not at all, and the question's text and choices are those of the same moment.
const questionWithCounts = `
  select q.id, q.question_text, q.pub_date, q.voting_rule, q.closes_at, not ${openSql('q')} as closed,
         now() as read_at,
         c.id as choice_id, c.choice_text, c.votes::text as votes
  from questions q left join choices c on c.question_id = q.id
  where q.id = ?
  order by c.id`;

/** Reads one question's results, published or not (editors see every question); undefined when it is gone. */
export async function readQuestionResults(db: Knex, id: number): Promise<QuestionResults | undefined> {
  const { rows } = await db.raw<{ rows: Row[] }>(questionWithCounts, [id]);
  const first = rows[0];
  if (!first) return undefined;
  const counted = rows.filter((row) => row.choice_id !== null);
  const votes = counted.map((row) => BigInt(row.votes!));
  const shares = apportionedShares(votes, 1000n);
  return {
    id: first.id,
    questionText: first.question_text,
    pubDate: new Date(first.pub_date),
    votingRule: first.voting_rule,
    closesAt: first.closes_at === null ? null : new Date(first.closes_at),
    closed: first.closed,
    readAt: new Date(first.read_at),
    totalVotes: votes.reduce((sum, count) => sum + count, 0n),
    choices: counted.map((row, index) => ({
      id: row.choice_id!,
      choiceText: row.choice_text!,
      votes: votes[index]!,
      shareInTenthsOfAPercent: shares[index]!,
    })),
  };
}

/** Reads the results of the question a route's `:id` names, or answers 404 (malformed or unknown alike). */
export type ResultsOr404 = (ctx: Context) => Promise<QuestionResults>;

export function resultsOr404(db: Knex): ResultsOr404 {
  return async (ctx) => {
    const id = parseId(ctx.params.id);
    const results = id === undefined ? undefined : await readQuestionResults(db, id);
    return results ?? ctx.throw(404, 'Question not found.');
  };
}
