import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import supertest from 'supertest';
import { appOnDatabase, browser, formToken } from '../support/app.js';
import { databaseTargets } from '../support/databases.js';
import { ballotsOf, createQuestion, votesOf, type CreatedQuestion } from '../support/fixtures.js';

/** Sets the question's closing time `interval` from now by the database's clock (negative: in the past). */
function closeIn(knex: Knex, question: CreatedQuestion, interval: string) {
  return knex('questions')
    .where({ id: question.id })
    .update({ closes_at: knex.raw(`now() + ?::interval`, [interval]) });
}

/** Waits until the database's clock has passed the question's closing time. */
async function untilClosed(knex: Knex, question: CreatedQuestion): Promise<void> {
  for (;;) {
    const { rows } = await knex.raw<{ rows: { closed: boolean }[] }>(
      'select closes_at <= now() as closed from questions where id = ?',
      [question.id],
    );
    if (rows[0]!.closed) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const closedOn = /This poll closed on \d{1,2} \w+ \d{4} at \d{2}:\d{2} UTC\./;

for (const target of databaseTargets) {
  describe(`a poll's closing time on ${target.name}`, () => {
    const suite = appOnDatabase(target);
    const get = (path: string) => supertest(suite.app.callback()).get(path);
    const voteByApi = (question: CreatedQuestion) =>
      supertest(suite.app.callback())
        .post(`/api/questions/${question.id}/votes`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ choiceId: question.choiceIds[0] }));

    it('replaces the form of a closed poll with its closing time and the results', async () => {
      const question = await createQuestion(suite.db.knex, 'Over?', -2, ['Yes', 'No']);
      await suite.db.knex('choices').where({ id: question.choiceIds[0] }).update({ votes: 3 });
      await closeIn(suite.db.knex, question, '-1 hour');
      const page = await get(`/polls/${question.id}/`).expect(200);
      assert.match(page.text, closedOn);
      assert.doesNotMatch(page.text, /name="choice"/);
      assert.match(page.text, /Yes<\/span>\s*<span class="vote-count">3 votes<\/span>/);
      assert.doesNotMatch(page.text, /Vote again\?|data-events/);
      const results = await get(`/polls/${question.id}/results/`).expect(200);
      assert.match(results.text, closedOn);
    });

    it('refuses a vote on a closed poll: the form with 409 and the closing time, the API with 409 JSON', async () => {
      const question = await createQuestion(suite.db.knex, 'Late?', -2, ['Yes', 'No']);
      const agent = browser(suite.app);
      const token = formToken((await agent.get(`/polls/${question.id}/`).expect(200)).text);
      await closeIn(suite.db.knex, question, '-1 second');
      const form = await agent
        .post(`/polls/${question.id}/vote/`)
        .type('form')
        .send({ csrf_token: token, choice: String(question.choiceIds[0]) })
        .expect(409);
      assert.match(form.text, closedOn);
      const api = await voteByApi(question).expect(409);
      assert.match(api.body.error, closedOn);
      assert.deepEqual(await votesOf(suite.db.knex, question.id), [0, 0]);
      assert.deepEqual(await ballotsOf(suite.db.knex, question.id), []);
    });

    it('shows the rule, the closing time and whether it has passed in the API and on the index', async () => {
      const open = await createQuestion(suite.db.knex, 'Open?', -2);
      const closed = await createQuestion(suite.db.knex, 'Closed?', -1);
      await closeIn(suite.db.knex, open, '1 day');
      await closeIn(suite.db.knex, closed, '-1 minute');
      const list = await get('/api/questions').expect(200);
      const byId = new Map(list.body.questions.map((q: { id: number }) => [q.id, q]));
      assert.deepEqual(
        [open.id, closed.id].map((id) => {
          const { votingRule, closed: isClosed, closesAt } = byId.get(id) as Record<string, unknown>;
          return { votingRule, isClosed, closes: typeof closesAt };
        }),
        [
          { votingRule: 'one-per-browser', isClosed: false, closes: 'string' },
          { votingRule: 'one-per-browser', isClosed: true, closes: 'string' },
        ],
      );
      const one = await get(`/api/questions/${closed.id}`).expect(200);
      assert.equal(one.body.closed, true);
      const index = await get('/polls/').expect(200);
      assert.match(
        index.text,
        /Closed\?<\/a>\s*<time[^>]*>[^<]*<\/time>\s*<span class="closed">Closed<\/span>/,
      );
      assert.doesNotMatch(index.text, /Open\?<\/a>\s*<time[^>]*>[^<]*<\/time>\s*<span class="closed">/);
    });

    it('closes at its time on a replica that keeps the poll in memory, with no write to announce it', async () => {
      const question = await createQuestion(suite.db.knex, 'Closing?', -1, ['Yes', 'No']);
      await closeIn(suite.db.knex, question, '1 second');
      // Read while open: the form, the index and the API now hold the question in memory.
      assert.match((await get(`/polls/${question.id}/`).expect(200)).text, /name="choice"/);
      assert.doesNotMatch((await get('/polls/').expect(200)).text, /class="closed"/);
      const index = await get('/polls/').expect(200);
      assert.match(String(index.headers['cache-control']), /^(no-store|public, max-age=0, s-maxage=[01])$/);
      assert.equal((await voteByApi(question).expect(201)).body.closed, false);

      await untilClosed(suite.db.knex, question);
      assert.match((await get(`/polls/${question.id}/`).expect(200)).text, closedOn);
      assert.match((await get('/polls/').expect(200)).text, /<span class="closed">Closed<\/span>/);
      assert.equal((await get(`/api/questions/${question.id}`).expect(200)).body.closed, true);
      await voteByApi(question).expect(409);
      assert.deepEqual(await votesOf(suite.db.knex, question.id), [1, 0]);
    });
  });
}
