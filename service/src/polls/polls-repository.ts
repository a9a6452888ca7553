import type { Knex } from 'knex';
import { preparedAs } from '../db/prepared-statements.js';
import { openSql, publishedSql } from './publication.js';
import { VoteBatcher } from './vote-batcher.js';
import type { Voter } from './voters.js';
import type { VotingRule } from './voting-rules.js';

export interface QuestionSummary {
  readonly id: number;
  readonly questionText: string;
  readonly pubDate: Date;
  readonly votingRule: VotingRule;
  /** When the question stops taking votes; null when it never does. */
  readonly closesAt: Date | null;
  /** Whether it had closed when it was read, by the database's clock. */
  readonly closed: boolean;
}

export interface ChoiceText {
  readonly id: number;
  readonly choiceText: string;
}

export interface Choice extends ChoiceText {
  readonly votes: number;
}

/** A question and its choices as the voter's form shows them: no counts, so votes never change it. */
export interface Ballot extends QuestionSummary {
  readonly choices: readonly ChoiceText[];
}

export interface Question extends QuestionSummary {
  readonly choices: readonly Choice[];
}

export type VoteOutcome = 'counted' | 'repeat' | 'closed' | 'question-not-found' | 'choice-not-found';

/** The latest published questions, and when the clock alone changes them. */
export interface LatestQuestions {
  readonly questions: QuestionSummary[];
  /**
   * Milliseconds until the earliest future pub_date or the earliest closing of a listed question, as the
   * database's clock sees it; null when neither is ahead.
   */
  readonly msUntilChange: number | null;
}

/** A published question as read now, and how long it stays open by the database's clock (null: no end ahead). */
export interface QuestionRead extends Question {
  readonly msUntilClose: number | null;
}

export interface PollsRepositoryOptions {
  /** Learns every vote's outcome (metrics); the repository itself keeps no counts. */
  readonly onVote?: (outcome: VoteOutcome) => void;
  /** Learns the size of every committed vote transaction (metrics). */
  readonly onVoteBatch?: (votes: number) => void;
  /** See VoteBatcherOptions.windowMs. */
  readonly voteBatchWindowMs: number;
}

// Milliseconds until the question named q closes, null unless that is ahead.
const msUntilCloseSql = `case when q.closes_at > now()
  then (extract(epoch from q.closes_at - now()) * 1000)::float8 end`;

// The columns of a QuestionSummary, from a `questions` row named q.
const summaryColumns = `q.id, q.question_text as "questionText", q.pub_date as "pubDate",
  q.voting_rule as "votingRule", q.closes_at as "closesAt", not ${openSql('q')} as closed`;

const publishedQuestion = `
  select ${summaryColumns}, ${msUntilCloseSql} as "msUntilClose",
         json_agg(json_build_object('id', c.id, 'choiceText', c.choice_text, 'votes', c.votes) order by c.id)
           as choices
  from questions q join choices c on c.question_id = q.id
  where q.id = ? and ${publishedSql('q')}
  group by q.id`;

const choicesOfQuestion = `
  select id, choice_text as "choiceText", votes from choices where question_id = ? order by id`;

const latestPublished = `
  select ${summaryColumns}
  from questions q
  where ${publishedSql('q')}
  order by q.pub_date desc, q.id desc
  limit ? offset ?`;

// One statement, so both parts read the same now(): a question published between two statements would be
// in neither. The one-row `upcoming` keeps the answer from being empty when nothing is published yet.
const latestAndUpcoming = `
  select upcoming."msUntilNextPublication", latest.*,
         case when latest."closesAt" > now()
           then (extract(epoch from latest."closesAt" - now()) * 1000)::float8 end as "msUntilClose"
  from (select (extract(epoch from min(pub_date) - now()) * 1000)::float8 as "msUntilNextPublication"
        from questions where pub_date > now()) as upcoming
  left join lateral (${latestPublished}) as latest on true`;

/**
 * The summary's own fields of a wider row, as a literal: V8 gives every `{ ...row }` copy a hidden class of
 * its own (see choicesWithVotes).
 */
export function summaryOf(row: QuestionSummary): QuestionSummary {
  const { id, questionText, pubDate, votingRule, closesAt, closed } = row;
  return { id, questionText, pubDate, votingRule, closesAt, closed };
}

/** Reads and votes on published questions: what voters and API clients may see and do. */
export class PollsRepository {
  private readonly votes: VoteBatcher;
  private readonly onVote: (outcome: VoteOutcome) => void;

  constructor(
    private readonly db: Knex,
    options: PollsRepositoryOptions,
  ) {
    this.votes = new VoteBatcher(db, {
      windowMs: options.voteBatchWindowMs,
      ...(options.onVoteBatch && { onCommit: options.onVoteBatch }),
    });
    this.onVote = options.onVote ?? (() => {});
  }

  /** The latest published questions, newest first. */
  async latest(limit: number, offset = 0): Promise<QuestionSummary[]> {
    const { rows } = await this.db.raw<{ rows: QuestionSummary[] }>(latestPublished, [limit, offset]);
    return rows;
  }

  /** The first `limit` of `latest`, and how long they stay as they are unless someone writes. */
  async latestAndNextChange(limit: number): Promise<LatestQuestions> {
    const { rows } = await this.db.raw<{
      rows: (QuestionSummary & {
        id: number | null;
        msUntilNextPublication: number | null;
        msUntilClose: number | null;
      })[];
    }>(latestAndUpcoming, [limit, 0]);
    const changes = [rows[0]!.msUntilNextPublication, ...rows.map((row) => row.msUntilClose)].filter(
      (ms): ms is number => ms !== null,
    );
    return {
      questions: rows.filter((row): row is typeof row & { id: number } => row.id !== null).map(summaryOf),
      msUntilChange: changes.length > 0 ? Math.min(...changes) : null,
    };
  }

  /** A published question with its choices in a stable order, or undefined. */
  async findPublished(id: number): Promise<QuestionRead | undefined> {
    const { rows } = await this.db.raw<{ rows: QuestionRead[] }>(publishedQuestion, [id]);
    return rows[0];
  }

  /** The question's choices with their votes now, in the same order; whether it is published is not checked. */
  async choicesWithVotes(questionId: number): Promise<Choice[]> {
    const { rows } = await this.db
      .raw<{ rows: (Omit<Choice, 'votes'> & { votes: string | number })[] }>(choicesOfQuestion, [questionId])
      .options(preparedAs('polls-choices-of-question'));
    // pg returns bigint as a string (exact below 2^53, far beyond any poll). A literal, not `{ ...row }`: V8
    // made a new hidden class for every such copy (node --log-maps), old-space garbage that grew the heap by
    // megabytes a second under load (docs/benchmarks.md, "Memory under load").
    return rows.map((row) => ({ id: row.id, choiceText: row.choiceText, votes: Number(row.votes) }));
  }

  /** The choice the browser `voter` voted for on the question, if a ballot of it is kept. */
  async choiceOf(questionId: number, voter: string): Promise<number | undefined> {
    const row = await this.db('ballots')
      .where({ question_id: questionId, voter })
      .first<{ choice_id: number } | undefined>('choice_id');
    return row?.choice_id;
  }

  /**
   * Counts one vote with an atomic UPDATE (never read-modify-write), and under a rule that limits votes
   * writes its ballot in the same statement, committed together with the votes that arrive within the same
   * few milliseconds; resolves only once the vote is durable.
   */
  async vote(questionId: number, choiceId: number, voter: Voter): Promise<VoteOutcome> {
    const cast = await this.votes.submit({
      questionId,
      choiceId,
      voter: voter.voter,
      addressHash: voter.addressHash,
    });
    const outcome = cast === 'refused' ? await this.refusal(questionId) : cast;
    this.onVote(outcome);
    return outcome;
  }

  private async refusal(questionId: number): Promise<VoteOutcome> {
    const { rows } = await this.db.raw<{ rows: { open: boolean }[] }>(
      `select ${openSql('q')} as open from questions q where q.id = ? and ${publishedSql('q')}`,
      [questionId],
    );
    if (!rows[0]) return 'question-not-found';
    return rows[0].open ? 'choice-not-found' : 'closed';
  }
}
