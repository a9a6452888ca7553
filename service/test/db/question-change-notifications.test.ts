import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { questionsChangedChannel } from '../../src/polls/publication.js';
import { databaseTargets, type TestDatabase } from '../support/databases.js';
import { createQuestion } from '../support/fixtures.js';

/** Which writes the triggers announce: those that can change a published question or the index, never a vote. */
for (const target of databaseTargets) {
  describe(`question change notifications on ${target.name}`, function () {
    this.timeout(30_000);
    let db: TestDatabase;
    let heard = 0;

    before(async () => {
      db = await target.open();
      const listener = db.listen(questionsChangedChannel);
      listener.subscribe(() => heard++);
      const deadline = Date.now() + 10_000;
      while (!listener.listening && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    });
    beforeEach(() => db.reset());

    /** The number of notifications `write` caused, once all of them have arrived. */
    async function notificationsOf(write: (knex: Knex) => Promise<unknown>): Promise<number> {
      const listener = db.listen(questionsChangedChannel);
      await listener.sync();
      const before = heard;
      await write(db.knex);
      await listener.sync();
      return heard - before;
    }

    const announced: [
      string,
      (knex: Knex, question: { id: number; choiceIds: readonly number[] }) => Promise<unknown>,
    ][] = [
      ['a new question', (knex) => createQuestion(knex, 'New?', -1)],
      [
        'a question text edit',
        (knex, q) => knex('questions').where({ id: q.id }).update({ question_text: 'Edited?' }),
      ],
      [
        'a pub_date edit',
        (knex, q) =>
          knex('questions')
            .where({ id: q.id })
            .update({ pub_date: new Date(0) }),
      ],
      [
        'a voting rule edit',
        (knex, q) => knex('questions').where({ id: q.id }).update({ voting_rule: 'any-number' }),
      ],
      [
        'a closing time edit',
        (knex, q) => knex('questions').where({ id: q.id }).update({ closes_at: new Date() }),
      ],
      ['a deleted question', (knex, q) => knex('questions').where({ id: q.id }).delete()],
      ['a new choice', (knex, q) => knex('choices').insert({ question_id: q.id, choice_text: 'More' })],
      ['a deleted choice', (knex, q) => knex('choices').where({ id: q.choiceIds[0] }).delete()],
      [
        'a choice text edit',
        (knex, q) => knex('choices').where({ id: q.choiceIds[0] }).update({ choice_text: 'Renamed' }),
      ],
      [
        'a choice moved to another question',
        async (knex, q) => {
          const other = await createQuestion(knex, 'Other?', -1, []);
          return knex('choices').where({ id: q.choiceIds[0] }).update({ question_id: other.id });
        },
      ],
      ['emptied tables', () => db.reset()],
    ];
    for (const [write, run] of announced) {
      it(`announces ${write}`, async () => {
        const question = await createQuestion(db.knex, 'Existing?', -1);
        assert.ok((await notificationsOf((knex) => run(knex, question))) >= 1);
      });
    }

    const silent: [
      string,
      (knex: Knex, question: { id: number; choiceIds: readonly number[] }) => Promise<unknown>,
    ][] = [
      ['a vote', (knex, q) => knex('choices').where({ id: q.choiceIds[0] }).increment('votes', 1)],
      ['a vote reset', (knex, q) => knex('choices').where({ question_id: q.id }).update({ votes: 0 })],
      [
        'a ballot',
        (knex, q) =>
          knex('ballots').insert({
            question_id: q.id,
            voter: '00000000-0000-4000-8000-000000000001',
            choice_id: q.choiceIds[0],
          }),
      ],
    ];
    for (const [write, run] of silent) {
      it(`does not announce ${write}`, async () => {
        const question = await createQuestion(db.knex, 'Existing?', -1);
        assert.equal(await notificationsOf((knex) => run(knex, question)), 0);
      });
    }

    it('announces a transaction of several writes once, at its commit', async () => {
      const question = await createQuestion(db.knex, 'Existing?', -1);
      const count = await notificationsOf((knex) =>
        knex.transaction(async (trx) => {
          await trx('questions').where({ id: question.id }).update({ question_text: 'Edited?' });
          await trx('choices').insert({ question_id: question.id, choice_text: 'More' });
          await trx('choices').where({ id: question.choiceIds[0] }).delete();
        }),
      );
      assert.equal(count, 1);
    });
  });
}
