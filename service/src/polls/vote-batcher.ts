import type { Knex } from 'knex';
import { preparedAs } from '../db/prepared-statements.js';
import { votesCountedChannel } from './live-results/votes-counted.js';
import { publishedSql } from './publication.js';

export interface BatchedVote {
  readonly questionId: number;
  readonly choiceId: number;
}

export interface VoteBatcherOptions {
  /**
   * How long the first vote of a batch waits for company before the batch commits. 0 turns grouping off:
   * each vote commits at once in a transaction of its own, as many at a time as the pool allows.
   */
  readonly windowMs: number;
  /** A batch this large commits at once, without waiting out the window; 500 unless set. */
  readonly maxBatch?: number;
  /** Learns the number of votes of each committed transaction (metrics). */
  readonly onCommit?: (votes: number) => void;
}

interface Pending extends BatchedVote {
  resolve(counted: boolean): void;
  reject(error: unknown): void;
}

/**
 * Adds a batch's votes in one statement, which is one transaction: one row per choice with the batch's
 * votes for it summed (UPDATE … FROM updates a row once however many rows it joins). A vote counts only for
 * a choice of its question, and only when that question is public. The rows are locked in id order first,
 * so batches of several processes cannot deadlock each other. The same statement announces the batch to
 * every replica's live results.
 */
const addVotes = `
  with requested (choice_id, question_id, votes) as (
    -- bigint, not the columns' integer: an id out of integer range must match nothing, not fail the batch.
    select * from unnest(?::bigint[], ?::bigint[], ?::int[])
  ),
  counted as (
    select c.id, r.votes
    from choices c
    join requested r on r.choice_id = c.id and r.question_id = c.question_id
    join questions q on q.id = c.question_id and ${publishedSql('q')}
    order by c.id
    for update of c
  ),
  updated as (
    update choices c set votes = c.votes + counted.votes
    from counted
    where c.id = counted.id
    returning c.id as "choiceId", c.question_id as "questionId"
  ),
  -- One notification per batch naming the questions that changed, sent at commit (see votes-counted.ts).
  announced as (
    select pg_notify('${votesCountedChannel}', string_agg(distinct "questionId"::text, ','))
    from updated
    having count(*) > 0
  )
  -- Referencing \`announced\` is what runs it: a SELECT in WITH runs only when it is read.
  select "choiceId", "questionId" from updated where exists (select from announced)`;

/**
 * Group commit for votes. A vote costs one fsync when it is its own transaction; votes arriving within a few
 * milliseconds of each other share one transaction instead. Each caller is answered only after that commit:
 * `true` when its vote counted, `false` when its choice is not a published question's, and an error when the
 * transaction failed — then no vote of the batch counted, so every caller of the batch gets the error.
 */
export class VoteBatcher {
  private batch: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  // One batch commits at a time: a second would only wait for the first one's row locks. Votes arriving
  // meanwhile form the next batch, which commits as soon as the current one is done.
  private committing = false;
  private readonly windowMs: number;
  private readonly maxBatch: number;
  private readonly onCommit: (votes: number) => void;

  constructor(
    private readonly db: Knex,
    options: VoteBatcherOptions,
  ) {
    this.windowMs = options.windowMs;
    this.maxBatch = options.maxBatch ?? 500;
    this.onCommit = options.onCommit ?? (() => {});
  }

  async submit(vote: BatchedVote): Promise<boolean> {
    if (this.windowMs === 0) return (await this.commit([vote])).has(choiceKey(vote));
    return new Promise((resolve, reject) => {
      // Not `{ ...vote, resolve, reject }`: V8 gave each such copy a hidden class of its own (see
      // PollsRepository.choicesWithVotes).
      this.batch.push({ questionId: vote.questionId, choiceId: vote.choiceId, resolve, reject });
      if (this.committing) return;
      if (this.batch.length >= this.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.windowMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.batch.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.committing = true;
    void this.commit(batch)
      .finally(() => {
        this.committing = false;
        this.flush();
      })
      .then(
        (countedChoices) => {
          for (const vote of batch) vote.resolve(countedChoices.has(choiceKey(vote)));
        },
        (error: unknown) => {
          for (const vote of batch) vote.reject(error);
        },
      );
  }

  /** Commits the batch; returns the keys of the choices whose votes counted. */
  private async commit(batch: readonly BatchedVote[]): Promise<Set<string>> {
    const increments = new Map<string, { vote: BatchedVote; count: number }>();
    for (const vote of batch) {
      const entry = increments.get(choiceKey(vote));
      if (entry) entry.count += 1;
      else increments.set(choiceKey(vote), { vote, count: 1 });
    }
    const entries = [...increments.values()];
    const { rows } = await this.db
      .raw<{ rows: BatchedVote[] }>(addVotes, [
        entries.map((entry) => entry.vote.choiceId),
        entries.map((entry) => entry.vote.questionId),
        entries.map((entry) => entry.count),
      ])
      .options(preparedAs('polls-add-votes'));
    this.onCommit(batch.length);
    return new Set(rows.map(choiceKey));
  }
}

function choiceKey(vote: BatchedVote): string {
  return `${vote.questionId}:${vote.choiceId}`;
}
