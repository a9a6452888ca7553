import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { VoteBatcher } from '../../src/polls/vote-batcher.js';
import { databaseTargets, type TestDatabase } from '../support/databases.js';
import { createQuestion, votesOf } from '../support/fixtures.js';

// A window long enough that votes submitted together surely share one batch.
const together = { windowMs: 50, maxBatch: 500 };

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
      let answers: boolean[] = [];
      const statements = await updatesDuring(db.knex, async () => {
        answers = await Promise.all(
          [a, b, a, c, a, b].map((choiceId) => batcher.submit({ questionId: question.id, choiceId })),
        );
      });
      assert.deepEqual(answers, [true, true, true, true, true, true]);
      assert.deepEqual(await votesOf(db.knex, question.id), [3, 2, 1]);
      assert.equal(statements, 1);
    });

    it('with no window, commits each vote alone, at once', async () => {
      const question = await createQuestion(db.knex, 'Alone?', -1, ['A', 'B']);
      const [a, b] = question.choiceIds as [number, number];
      const batcher = new VoteBatcher(db.knex, { windowMs: 0 });
      let answers: boolean[] = [];
      const statements = await updatesDuring(db.knex, async () => {
        answers = await Promise.all(
          [a, b, a, 999_999].map((choiceId) => batcher.submit({ questionId: question.id, choiceId })),
        );
      });
      assert.deepEqual(answers, [true, true, true, false]);
      assert.deepEqual(await votesOf(db.knex, question.id), [2, 1]);
      assert.equal(statements, 4);
    });

    it('refuses an id beyond the integer range without failing the rest of its batch', async () => {
      const question = await createQuestion(db.knex, 'Huge?', -1);
      const batcher = new VoteBatcher(db.knex, together);
      const answers = await Promise.all([
        batcher.submit({ questionId: question.id, choiceId: question.choiceIds[0]! }),
        batcher.submit({ questionId: question.id, choiceId: 2 ** 40 }),
        batcher.submit({ questionId: 2 ** 40, choiceId: question.choiceIds[1]! }),
      ]);
      assert.deepEqual(answers, [true, false, false]);
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
        [a, b, a].map((choiceId) => batcher.submit({ questionId: question.id, choiceId })),
      );
      assert.deepEqual(answers, [true, true, true]);
      assert.deepEqual(await votesOf(db.knex, question.id), [2 ** 31 + 1, 1]);
    });

    it('refuses, inside a batch that counts the rest, a foreign choice and an unpublished question', async () => {
      const question = await createQuestion(db.knex, 'Mine', -1);
      const other = await createQuestion(db.knex, 'Other', -1);
      const future = await createQuestion(db.knex, 'Future', 1);
      const batcher = new VoteBatcher(db.knex, together);
      const answers = await Promise.all([
        batcher.submit({ questionId: question.id, choiceId: question.choiceIds[0]! }),
        batcher.submit({ questionId: question.id, choiceId: other.choiceIds[0]! }),
        batcher.submit({ questionId: future.id, choiceId: future.choiceIds[0]! }),
      ]);
      assert.deepEqual(answers, [true, false, false]);
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
        batcher.submit({ questionId: question.id, choiceId: fine }),
        batcher.submit({ questionId: question.id, choiceId: poison }),
        batcher.submit({ questionId: question.id, choiceId: fine }),
      ]);
      assert.deepEqual(
        answers.map((answer) => answer.status),
        ['rejected', 'rejected', 'rejected'],
      );
      assert.match(String((answers[0] as PromiseRejectedResult).reason), /commit refused for the test/);
      assert.deepEqual(await votesOf(db.knex, question.id), [0, 0]);

      assert.equal(await batcher.submit({ questionId: question.id, choiceId: fine }), true);
      assert.deepEqual(await votesOf(db.knex, question.id), [1, 0]);
    });

    it('commits a full batch at once without waiting out the window', async () => {
      const question = await createQuestion(db.knex, 'Full?', -1);
      const batcher = new VoteBatcher(db.knex, { windowMs: 60_000, maxBatch: 4 });
      const votes = Array.from({ length: 4 }, () =>
        batcher.submit({ questionId: question.id, choiceId: question.choiceIds[1]! }),
      );
      assert.deepEqual(await Promise.all(votes), [true, true, true, true]);
      assert.deepEqual(await votesOf(db.knex, question.id), [0, 4]);
    });
  });
}
