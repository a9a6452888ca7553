import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { VoteBatcher, type BallotOutcome, type BatchedVote } from '../../src/polls/vote-batcher.js';
import { databaseTargets, type TestDatabase } from '../support/databases.js';
import { ballotsOf, createQuestion, votesOf } from '../support/fixtures.js';

// A window long enough that votes submitted together surely share one batch.
const together = { windowMs: 50, maxBatch: 500 };

/** A vote from a browser of its own (a new voter each time unless `voter` is given), at one address. */
function vote(
  questionId: number,
  choiceId: number,
  voter = randomUUID(),
  addressHash = 'aa'.repeat(16),
): BatchedVote {
  return { questionId, choiceId, voter, addressHash };
}

/** Counts the statements that update choices while `run` runs. */
async function updatesDuring(knex: Knex, run: () => Promise<unknown>): Promise<number> {
  let updates = 0;
  const onQuery = (query: { sql: string }) => {
    if (/update choices/i.test(query.sql)) updates++;
  };
  knex.on('query', onQuery);
  try {
    await run();
  } finally {
    knex.off('query', onQuery);
  }
  return updates;
}

for (const target of databaseTargets) {
  describe(`vote batcher on ${target.name}`, function () {
    this.timeout(60_000);
    let db: TestDatabase;

    before(async () => {
      db = await target.open();
    });
    beforeEach(() => db.reset());
    afterEach(() => db.knex.raw('drop trigger if exists poison_commit on choices'));

    it('adds every vote of a batch to its own choice in one statement and answers each caller', async () => {
      const question = await createQuestion(db.knex, 'Batched?', -1, ['A', 'B', 'C']);
      const [a, b, c] = question.choiceIds as [number, number, number];
      const batcher = new VoteBatcher(db.knex, together);
      let answers: BallotOutcome[] = [];
      const statements = await updatesDuring(db.knex, async () => {
        answers = await Promise.all(
          [a, b, a, c, a, b].map((choiceId) => batcher.submit(vote(question.id, choiceId))),
        );
      });
      assert.deepEqual(answers, ['counted', 'counted', 'counted', 'counted', 'counted', 'counted']);
      assert.deepEqual(await votesOf(db.knex, question.id), [3, 2, 1]);
      assert.equal(statements, 1);
    });

    it('with no window, commits each vote alone, at once', async () => {
      const question = await createQuestion(db.knex, 'Alone?', -1, ['A', 'B']);
      const [a, b] = question.choiceIds as [number, number];
      const batcher = new VoteBatcher(db.knex, { windowMs: 0 });
      let answers: BallotOutcome[] = [];
      const statements = await updatesDuring(db.knex, async () => {
        answers = await Promise.all(
          [a, b, a, 999_999].map((choiceId) => batcher.submit(vote(question.id, choiceId))),
        );
      });
      assert.deepEqual(answers, ['counted', 'counted', 'counted', 'refused']);
      assert.deepEqual(await votesOf(db.knex, question.id), [2, 1]);
      assert.equal(statements, 4);
    });

    it('refuses an id beyond the integer range without failing the rest of its batch', async () => {
      const question = await createQuestion(db.knex, 'Huge?', -1);
      const batcher = new VoteBatcher(db.knex, together);
      const answers = await Promise.all([
        batcher.submit(vote(question.id, question.choiceIds[0]!)),
        batcher.submit(vote(question.id, 2 ** 40)),
        batcher.submit(vote(2 ** 40, question.choiceIds[1]!)),
      ]);
      assert.deepEqual(answers, ['counted', 'refused', 'refused']);
      assert.deepEqual(await votesOf(db.knex, question.id), [1, 0]);
    });

    it('counts past 2^31 - 1 without failing the other votes of its batch', async () => {
      const question = await createQuestion(db.knex, 'Popular?', -1, ['A', 'B']);
      const [a, b] = question.choiceIds as [number, number];
      await db
        .knex('choices')
        .where({ id: a })
        .update({ votes: 2 ** 31 - 1 });
      const batcher = new VoteBatcher(db.knex, together);
      const answers = await Promise.all(
        [a, b, a].map((choiceId) => batcher.submit(vote(question.id, choiceId))),
      );
      assert.deepEqual(answers, ['counted', 'counted', 'counted']);
      assert.deepEqual(await votesOf(db.knex, question.id), [2 ** 31 + 1, 1]);
    });

    it('refuses, inside a batch that counts the rest, a foreign choice and an unpublished question', async () => {
      const question = await createQuestion(db.knex, 'Mine', -1);
      const other = await createQuestion(db.knex, 'Other', -1);
      const future = await createQuestion(db.knex, 'Future', 1);
      const batcher = new VoteBatcher(db.knex, together);
      const answers = await Promise.all([
        batcher.submit(vote(question.id, question.choiceIds[0]!)),
        batcher.submit(vote(question.id, other.choiceIds[0]!)),
        batcher.submit(vote(future.id, future.choiceIds[0]!)),
      ]);
      assert.deepEqual(answers, ['counted', 'refused', 'refused']);
      assert.deepEqual(await votesOf(db.knex, question.id), [1, 0]);
      assert.deepEqual(await votesOf(db.knex, other.id), [0, 0]);
      assert.deepEqual(await votesOf(db.knex, future.id), [0, 0]);
    });

    it('fails every vote of a batch whose commit fails, counts none of them, and keeps working', async () => {
      const question = await createQuestion(db.knex, 'Poisoned?', -1, ['Fine', 'Poison']);
      const [fine, poison] = question.choiceIds as [number, number];
      // A deferred constraint trigger runs at COMMIT: the commit itself fails, after every UPDATE succeeded.
      await db.knex.raw(`
        create or replace function refuse_poison() returns trigger language plpgsql as $$
        begin
          if new.choice_text = 'Poison' then raise exception 'commit refused for the test'; end if;
          return null;
        end $$`);
      await db.knex.raw(`
        create constraint trigger poison_commit after update on choices
        deferrable initially deferred for each row execute function refuse_poison()`);
      const batcher = new VoteBatcher(db.knex, together);
      const answers = await Promise.allSettled([
        batcher.submit(vote(question.id, fine)),
        batcher.submit(vote(question.id, poison)),
        batcher.submit(vote(question.id, fine)),
      ]);
      assert.deepEqual(
        answers.map((answer) => answer.status),
        ['rejected', 'rejected', 'rejected'],
      );
      assert.match(String((answers[0] as PromiseRejectedResult).reason), /commit refused for the test/);
      assert.deepEqual(await votesOf(db.knex, question.id), [0, 0]);

      assert.equal(await batcher.submit(vote(question.id, fine)), 'counted');
      assert.deepEqual(await votesOf(db.knex, question.id), [1, 0]);
    });

    it('commits a full batch at once without waiting out the window', async () => {
      const question = await createQuestion(db.knex, 'Full?', -1);
      const batcher = new VoteBatcher(db.knex, { windowMs: 60_000, maxBatch: 4 });
      const votes = Array.from({ length: 4 }, () =>
        batcher.submit(vote(question.id, question.choiceIds[1]!)),
      );
      assert.deepEqual(await Promise.all(votes), ['counted', 'counted', 'counted', 'counted']);
      assert.deepEqual(await votesOf(db.knex, question.id), [0, 4]);
    });

    it('counts the first vote of a browser in a batch and refuses its others as repeats, counting the rest', async () => {
      const question = await createQuestion(db.knex, 'Once?', -1, ['A', 'B']);
      const [a, b] = question.choiceIds as [number, number];
      const batcher = new VoteBatcher(db.knex, together);
      const voter = randomUUID();
      const answers = await Promise.all([
        batcher.submit(vote(question.id, a, voter)),
        batcher.submit(vote(question.id, b)),
        batcher.submit(vote(question.id, b, voter)),
        batcher.submit(vote(question.id, a, voter)),
      ]);
      assert.deepEqual(answers, ['counted', 'counted', 'repeat', 'repeat']);
      assert.deepEqual(await votesOf(db.knex, question.id), [1, 1]);
      const ballots = await ballotsOf(db.knex, question.id);
      assert.equal(ballots.length, 2);
      assert.deepEqual(
        ballots.find((ballot) => ballot.voter === voter),
        { voter, choice_id: a },
      );
    });

    it('refuses a browser that voted in an earlier batch, and writes nothing for it', async () => {
      const question = await createQuestion(db.knex, 'Again?', -1, ['A', 'B']);
      const [a, b] = question.choiceIds as [number, number];
      const batcher = new VoteBatcher(db.knex, together);
      const voter = randomUUID();
      assert.equal(await batcher.submit(vote(question.id, a, voter)), 'counted');
      assert.deepEqual(
        await Promise.all([
          batcher.submit(vote(question.id, b, voter)),
          batcher.submit(vote(question.id, b)),
        ]),
        ['repeat', 'counted'],
      );
      assert.deepEqual(await votesOf(db.knex, question.id), [1, 1]);
      assert.equal((await ballotsOf(db.knex, question.id)).length, 2);
    });

    it('under any number of votes, counts every vote of a browser and keeps no ballot', async () => {
      const question = await createQuestion(db.knex, 'Often?', -1, ['A', 'B']);
      await db.knex('questions').where({ id: question.id }).update({ voting_rule: 'any-number' });
      const [a] = question.choiceIds as [number];
      const batcher = new VoteBatcher(db.knex, together);
      const voter = randomUUID();
      const answers = await Promise.all([1, 2, 3].map(() => batcher.submit(vote(question.id, a, voter))));
      assert.deepEqual(answers, ['counted', 'counted', 'counted']);
      assert.equal(await batcher.submit(vote(question.id, a, voter)), 'counted');
      assert.deepEqual(await votesOf(db.knex, question.id), [4, 0]);
      assert.deepEqual(await ballotsOf(db.knex, question.id), []);
    });

    it('under one vote per browser and address, refuses a second browser at the same address', async () => {
      const question = await createQuestion(db.knex, 'Per address?', -1, ['A', 'B']);
      await db
        .knex('questions')
        .where({ id: question.id })
        .update({ voting_rule: 'one-per-browser-and-address' });
      const [a, b] = question.choiceIds as [number, number];
      const here = '01'.repeat(16);
      const there = '02'.repeat(16);
      const batcher = new VoteBatcher(db.knex, together);
      const answers = await Promise.all([
        batcher.submit(vote(question.id, a, randomUUID(), here)),
        batcher.submit(vote(question.id, b, randomUUID(), here)),
        batcher.submit(vote(question.id, b, randomUUID(), there)),
      ]);
      assert.deepEqual(answers.filter((answer) => answer === 'counted').length, 2);
      assert.deepEqual(answers[2], 'counted');
      assert.equal(await batcher.submit(vote(question.id, a, randomUUID(), there)), 'repeat');
      const votes = await votesOf(db.knex, question.id);
      assert.equal(votes[0]! + votes[1]!, 2);
      assert.equal((await ballotsOf(db.knex, question.id)).length, 2);
    });

    it('refuses votes on a question past its closing time, and counts them until then', async () => {
      const open = await createQuestion(db.knex, 'Open?', -1);
      const closed = await createQuestion(db.knex, 'Closed?', -1);
      await db
        .knex('questions')
        .where({ id: open.id })
        .update({ closes_at: db.knex.raw(`now() + interval '1 minute'`) });
      await db
        .knex('questions')
        .where({ id: closed.id })
        .update({ closes_at: db.knex.raw('now()') });
      const batcher = new VoteBatcher(db.knex, together);
      const answers = await Promise.all([
        batcher.submit(vote(open.id, open.choiceIds[0]!)),
        batcher.submit(vote(closed.id, closed.choiceIds[0]!)),
      ]);
      assert.deepEqual(answers, ['counted', 'refused']);
      assert.deepEqual(await votesOf(db.knex, closed.id), [0, 0]);
      assert.deepEqual(await ballotsOf(db.knex, closed.id), []);
    });
  });
}
