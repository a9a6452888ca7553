import type { Knex } from 'knex';
import { preparedAs } from '../db/prepared-statements.js';
import { votesCountedChannel } from './live-results/votes-counted.js';
import { openSql, publishedSql } from './publication.js';

export interface BatchedVote {
  readonly questionId: number;
  readonly choiceId: number;
  /** The voter's browser: its voter cookie's random id (a UUID). */
  readonly voter: string;
  /** A keyed hash of the voter's network address for this question, hex (see voter-address.ts). */
  readonly addressHash: string;
}

/**
 * `counted`: the vote and its ballot are committed. `repeat`: the question's rule allows this voter no
 * further vote, so nothing was written. `refused`: the question is not published or not open, or the
 * choice is not its own.
 */
export type BallotOutcome = 'counted' | 'repeat' | 'refused';

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
  resolve(outcome: BallotOutcome): void;
  reject(error: unknown): void;
}

/**
 * Casts a batch's votes in one statement, which is one transaction, so no count is ever committed without
 * its ballot nor a ballot without its count. A vote is eligible only for a choice of its question, and only
 * while that question is published and open (by the database's clock). Under a rule that limits votes, it
 * counts only if its ballot row is inserted: the unique constraints of `ballots` decide, ON CONFLICT DO
 * NOTHING turns a repeat into no row instead of an error, and a repeat against a batch of another replica
 * not yet committed waits for that commit and then inserts nothing. Only a voter's first vote of the batch
 * is tried, so its ballot names the vote it counts for.
 *
 * Lock order, so batches of several processes cannot deadlock: ballots are inserted in (question, voter)
 * order, all of them before any choice is locked (the totals need every ballot), then choices in id order.
 * Only the address rule adds a second key per ballot that this order cannot cover: see `commit`.
 * The same statement announces the batch to every replica's live results.
 */
const castVotes = `
  with requested (vote, choice_id, question_id, voter, address_hash) as (
    -- bigint, not the columns' integer: an id out of integer range must match nothing, not fail the batch.
    select * from unnest(?::int[], ?::bigint[], ?::bigint[], ?::uuid[], ?::text[])
  ),
  eligible as (
    select r.vote, r.choice_id, r.question_id, r.voter, r.address_hash, q.voting_rule
    from requested r
    join choices c on c.id = r.choice_id and c.question_id = r.question_id
    join questions q on q.id = c.question_id and ${publishedSql('q')} and ${openSql('q')}
  ),
  first_of_each_voter as (
    select distinct on (question_id, voter) *
    from eligible
    where voting_rule <> 'any-number'
    order by question_id, voter, vote
  ),
  ballots_cast as (
    insert into ballots (question_id, voter, address_hash, choice_id)
    select question_id, voter,
           case when voting_rule = 'one-per-browser-and-address' then decode(address_hash, 'hex') end,
           choice_id
    from first_of_each_voter
    order by question_id, voter
    on conflict do nothing
    returning question_id, voter
  ),
  counted as (
    select vote, choice_id from eligible where voting_rule = 'any-number'
    union all
    select f.vote, f.choice_id from first_of_each_voter f join ballots_cast b using (question_id, voter)
  ),
  totals as (
    select choice_id, count(*) as votes from counted group by choice_id
  ),
  -- UPDATE … FROM updates a row once however many rows it joins, hence the totals.
  locked as (
    select c.id, t.votes from choices c join totals t on t.choice_id = c.id order by c.id for update of c
  ),
  updated as (
    update choices c set votes = c.votes + locked.votes
    from locked
    where c.id = locked.id
    returning c.question_id
  ),
  -- One notification per batch naming the questions that changed, sent at commit (see votes-counted.ts).
  announced as (
    select pg_notify('${votesCountedChannel}', string_agg(distinct question_id::text, ','))
    from updated
    having count(*) > 0
  )
  -- Every eligible vote, counted or a repeat; a vote not named was refused. Reading \`announced\` is what
  -- runs it: a SELECT in WITH runs only when it is read.
  select e.vote, counted.vote is not null as counted
  from eligible e
  left join counted using (vote)
  cross join (select count(*) from announced) as announcement`;

// PostgreSQL's deadlock_detected: https://www.postgresql.org/docs/15/errcodes-appendix.html
const deadlockDetected = '40P01';

/**
 * Group commit for votes. A vote costs one fsync when it is its own transaction; votes arriving within a few
 * milliseconds of each other share one transaction instead. Each caller is answered only after that commit
 * with its vote's outcome, or an error when the transaction failed: then no vote of the batch counted, so
 * every caller of the batch gets the error.
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

  async submit(vote: BatchedVote): Promise<BallotOutcome> {
    if (this.windowMs === 0) return (await this.commit([vote]))[0]!;
    return new Promise((resolve, reject) => {
      // Not `{ ...vote, resolve, reject }`: V8 gave each such copy a hidden class of its own (see
      // PollsRepository.choicesWithVotes).
      this.batch.push({
        questionId: vote.questionId,
        choiceId: vote.choiceId,
        voter: vote.voter,
        addressHash: vote.addressHash,
        resolve,
        reject,
      });
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
        (outcomes) => batch.forEach((vote, index) => vote.resolve(outcomes[index]!)),
        (error: unknown) => {
          for (const vote of batch) vote.reject(error);
        },
      );
  }

  /** Commits the batch; returns each vote's outcome, in the batch's order. */
  private async commit(batch: readonly BatchedVote[]): Promise<BallotOutcome[]> {
    const parameters = [
      batch.map((_, index) => index),
      batch.map((vote) => vote.choiceId),
      batch.map((vote) => vote.questionId),
      batch.map((vote) => vote.voter),
      batch.map((vote) => vote.addressHash),
    ];
    const run = () =>
      this.db
        .raw<{ rows: { vote: number; counted: boolean }[] }>(castVotes, parameters)
        .options(preparedAs('polls-cast-votes'));
    let result;
    try {
      result = await run();
    } catch (error) {
      // Two batches of two replicas can wait for each other's ballots only under the address rule, with a
      // browser and an address each met by both in opposite order. PostgreSQL then cancels one statement,
      // which wrote nothing: run again, it finds the other's ballots committed and counts no vote twice.
      if ((error as { code?: string }).code !== deadlockDetected) throw error;
      result = await run();
    }
    this.onCommit(batch.length);
    const outcomes = batch.map((): BallotOutcome => 'refused');
    for (const row of result.rows) outcomes[row.vote] = row.counted ? 'counted' : 'repeat';
    return outcomes;
  }
}
