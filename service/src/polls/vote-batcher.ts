import type { Knex } from 'knex';

export interface BatchedVote {
  readonly questionId: number;
  readonly choiceId: number;
}

export interface VoteBatcherOptions {
  /** How long the first vote of a batch waits for company before the batch commits. */
  readonly windowMs: number;
  /** A batch this large commits at once, without waiting out the window. */
  readonly maxBatch: number;
}

interface Pending extends BatchedVote {
  resolve(counted: boolean): void;
  reject(error: unknown): void;
}

/**
 * Group commit for votes. A vote costs one fsync when it is its own transaction; votes arriving within a few
 * milliseconds of each other share one transaction instead: one UPDATE per choice adding that choice's
 * votes, then one commit. Each caller is answered only after that commit: `true` when its vote counted,
 * `false` when its choice is not a published question's, and an error when the transaction failed — then
 * no vote of the batch counted, so every caller of the batch gets the error.
 */
export class VoteBatcher {
  private batch: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  // One batch commits at a time: a second would only wait for the first one's row locks. Votes arriving
  // meanwhile form the next batch, which commits as soon as the current one is done.
  private committing = false;

  constructor(
    private readonly db: Knex,
    private readonly options: VoteBatcherOptions = { windowMs: 2, maxBatch: 500 },
  ) {}

  submit(vote: BatchedVote): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.batch.push({ ...vote, resolve, reject });
      if (this.committing) return;
      if (this.batch.length >= this.options.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.windowMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.batch.splice(0, this.options.maxBatch);
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
    // Rows locked in one order by every batch (and every replica) cannot deadlock each other.
    const ordered = [...increments.values()].sort((a, b) => a.vote.choiceId - b.vote.choiceId);
    const counted = new Set<string>();
    await this.db.transaction(async (trx) => {
      for (const { vote, count } of ordered) {
        const { rows } = await trx.raw<{ rows: unknown[] }>(
          `update choices set votes = votes + ?
           where id = ? and question_id = ?
             and exists (select 1 from questions q where q.id = ? and q.pub_date <= now())
           returning id`,
          [count, vote.choiceId, vote.questionId, vote.questionId],
        );
        if (rows.length === 1) counted.add(choiceKey(vote));
      }
    });
    return counted;
  }
}

function choiceKey(vote: BatchedVote): string {
  return `${vote.questionId}:${vote.choiceId}`;
}
