import assert from 'node:assert/strict';
import supertest from 'supertest';
import { databaseTargets } from '../support/databases.js';
import { browser, formToken, appOnDatabase } from '../support/app.js';
import { createQuestion, votesOf } from '../support/fixtures.js';

for (const target of databaseTargets) {
  describe(`voter pages on ${target.name}`, () => {
    const suite = appOnDatabase(target);

    const get = (path: string) => supertest(suite.app.callback()).get(path);

    it('redirects / to /polls/', async () => {
      const response = await get('/').expect(302);
      assert.equal(response.headers.location, '/polls/');
    });

    describe('the index', () => {
      it('says so when no polls exist', async () => {
        const response = await get('/polls/').expect(200);
        assert.match(response.text, /No polls are available\./);
        assert.doesNotMatch(response.text, /class="poll-list"/);
      });

      it('lists a question with a pub_date in the past', async () => {
        await createQuestion(suite.db.knex, 'Past question.', -30);
        const response = await get('/polls/').expect(200);
        assert.match(response.text, /Past question\./);
      });

      it('hides a question with a pub_date in the future', async () => {
        await createQuestion(suite.db.knex, 'Future question.', 30);
        const response = await get('/polls/').expect(200);
        assert.match(response.text, /No polls are available\./);
        assert.doesNotMatch(response.text, /Future question\./);
      });

      it('shows only the past question when a past and a future one exist', async () => {
        await createQuestion(suite.db.knex, 'Past question.', -30);
        await createQuestion(suite.db.knex, 'Future question.', 30);
        const response = await get('/polls/').expect(200);
        assert.match(response.text, /Past question\./);
        assert.doesNotMatch(response.text, /Future question\./);
      });

      it('lists two past questions newest first', async () => {
        await createQuestion(suite.db.knex, 'Past question 1.', -30);
        await createQuestion(suite.db.knex, 'Past question 2.', -5);
        const response = await get('/polls/').expect(200);
        assert.ok(response.text.indexOf('Past question 2.') < response.text.indexOf('Past question 1.'));
      });

      it('lists only the five latest published questions', async () => {
        for (let days = 1; days <= 7; days++)
          await createQuestion(suite.db.knex, `Question ${days} days old.`, -days);
        const response = await get('/polls/').expect(200);
        const listed = [...response.text.matchAll(/Question (\d) days old\./g)].map((match) =>
          Number(match[1]),
        );
        assert.deepEqual(listed, [1, 2, 3, 4, 5]);
      });

      it('hides a question that has no choices', async () => {
        await createQuestion(suite.db.knex, 'Question without choices.', -1, []);
        const response = await get('/polls/').expect(200);
        assert.doesNotMatch(response.text, /Question without choices\./);
      });

      it('links each question to its detail page', async () => {
        const question = await createQuestion(suite.db.knex, 'Linked question.', -1);
        const response = await get('/polls/').expect(200);
        assert.match(response.text, new RegExp(`href="/polls/${question.id}/"`));
      });
    });

    describe('the detail page', () => {
      it('is 404 for a question with a pub_date in the future', async () => {
        const future = await createQuestion(suite.db.knex, 'Future question.', 5);
        await get(`/polls/${future.id}/`).expect(404);
      });

      it('shows the text of a question with a pub_date in the past', async () => {
        const past = await createQuestion(suite.db.knex, 'Past Question.', -5);
        const response = await get(`/polls/${past.id}/`).expect(200);
        assert.match(response.text, /Past Question\./);
      });

      it('offers one labelled radio per choice inside a fieldset, and a CSRF token', async () => {
        const question = await createQuestion(suite.db.knex, 'Pick one', -1, ['Red', 'Green']);
        const response = await get(`/polls/${question.id}/`).expect(200);
        for (const [index, choiceId] of question.choiceIds.entries()) {
          assert.match(
            response.text,
            new RegExp(`type="radio" name="choice" id="choice-${choiceId}" value="${choiceId}"`),
          );
          assert.match(
            response.text,
            new RegExp(`<label for="choice-${choiceId}">${['Red', 'Green'][index]}</label>`),
          );
        }
        assert.match(response.text, /<fieldset[\s\S]*<legend>/);
        formToken(response.text);
      });

      it('is 404 for a question without choices', async () => {
        const question = await createQuestion(suite.db.knex, 'Empty', -1, []);
        await get(`/polls/${question.id}/`).expect(404);
      });

      for (const id of ['abc', '0', '-1', '1.5', '99999999999999999999', '%00', '1e3']) {
        it(`is 404, not 500, for the malformed id "${id}"`, async () => {
          await get(`/polls/${id}/`).expect(404);
          await get(`/polls/${id}/results/`).expect(404);
        });
      }

      it('escapes HTML in question and choice texts', async () => {
        const question = await createQuestion(suite.db.knex, '<script>alert("q")</script>', -1, [
          '<img src=x onerror=alert(1)>',
        ]);
        const detail = await get(`/polls/${question.id}/`).expect(200);
        assert.doesNotMatch(detail.text, /<script>alert/);
        assert.doesNotMatch(detail.text, /<img src=x/);
        assert.match(detail.text, /&lt;script&gt;alert\(&quot;q&quot;\)&lt;\/script&gt;/);
        const index = await get('/polls/').expect(200);
        assert.doesNotMatch(index.text, /<script>alert/);
      });
    });

    describe('voting', () => {
      async function openForm(agent: supertest.Agent, questionId: number) {
        return formToken((await agent.get(`/polls/${questionId}/`).expect(200)).text);
      }

      it('counts exactly one vote for the chosen choice and redirects to the results with 303', async () => {
        const question = await createQuestion(suite.db.knex, 'Vote?', -1, ['A', 'B', 'C']);
        const agent = browser(suite.app);
        const token = await openForm(agent, question.id);
        const response = await agent
          .post(`/polls/${question.id}/vote/`)
          .type('form')
          .send({ csrf_token: token, choice: String(question.choiceIds[1]) })
          .expect(303);
        assert.equal(response.headers.location, `/polls/${question.id}/results/`);
        assert.deepEqual(await votesOf(suite.db.knex, question.id), [0, 1, 0]);
      });

      const badChoices: [string, (ids: { own: number[]; foreign: number }) => Record<string, string>][] = [
        ['no choice', () => ({})],
        ['an unknown choice id', () => ({ choice: '999999' })],
        ["another question's choice", ({ foreign }) => ({ choice: String(foreign) })],
        ['a malformed choice id', () => ({ choice: 'first' })],
      ];
      for (const [label, choose] of badChoices) {
        it(`answers ${label} with 422, the form and "You didn't select a choice.", counting nothing`, async () => {
          const question = await createQuestion(suite.db.knex, 'Vote?', -1, ['A', 'B']);
          const other = await createQuestion(suite.db.knex, 'Other', -1, ['X']);
          const agent = browser(suite.app);
          const token = await openForm(agent, question.id);
          const response = await agent
            .post(`/polls/${question.id}/vote/`)
            .type('form')
            .send({
              csrf_token: token,
              ...choose({ own: [...question.choiceIds], foreign: other.choiceIds[0]! }),
            })
            .expect(422);
          assert.match(response.text, /You didn&#39;t select a choice\./);
          assert.match(response.text, /name="choice"/);
          assert.deepEqual(await votesOf(suite.db.knex, question.id), [0, 0]);
          assert.deepEqual(await votesOf(suite.db.knex, other.id), [0]);
        });
      }

      it('is 404 for an unpublished question, counting nothing', async () => {
        const future = await createQuestion(suite.db.knex, 'Future', 2, ['A']);
        const published = await createQuestion(suite.db.knex, 'Now', -1, ['A']);
        const agent = browser(suite.app);
        const token = await openForm(agent, published.id);
        await agent
          .post(`/polls/${future.id}/vote/`)
          .type('form')
          .send({ csrf_token: token, choice: String(future.choiceIds[0]) })
          .expect(404);
        assert.deepEqual(await votesOf(suite.db.knex, future.id), [0]);
      });

      it('refuses a vote without a CSRF token with 403, counting nothing', async () => {
        const question = await createQuestion(suite.db.knex, 'Vote?', -1, ['A']);
        const agent = browser(suite.app);
        await openForm(agent, question.id);
        const response = await agent
          .post(`/polls/${question.id}/vote/`)
          .type('form')
          .send({ choice: String(question.choiceIds[0]) })
          .expect(403);
        assert.match(response.text, /expired or came from another site/);
        assert.deepEqual(await votesOf(suite.db.knex, question.id), [0]);
      });

      it('refuses a token that belongs to another visitor with 403', async () => {
        const question = await createQuestion(suite.db.knex, 'Vote?', -1, ['A']);
        const stolenToken = await openForm(browser(suite.app), question.id);
        const victim = browser(suite.app);
        await openForm(victim, question.id);
        await victim
          .post(`/polls/${question.id}/vote/`)
          .type('form')
          .send({ csrf_token: stolenToken, choice: String(question.choiceIds[0]) })
          .expect(403);
        assert.deepEqual(await votesOf(suite.db.knex, question.id), [0]);
      });

      it('issues a different token on every page view, each of them valid', async () => {
        const question = await createQuestion(suite.db.knex, 'Vote?', -1, ['A']);
        await suite.db.knex('questions').where({ id: question.id }).update({ voting_rule: 'any-number' });
        const agent = browser(suite.app);
        const first = await openForm(agent, question.id);
        const second = await openForm(agent, question.id);
        assert.notEqual(first, second);
        for (const token of [first, second]) {
          await agent
            .post(`/polls/${question.id}/vote/`)
            .type('form')
            .send({ csrf_token: token, choice: String(question.choiceIds[0]) })
            .expect(303);
        }
        assert.deepEqual(await votesOf(suite.db.knex, question.id), [2]);
      });

      it('refuses a form body over the size limit with 413, closing the connection, and counts nothing', async () => {
        const question = await createQuestion(suite.db.knex, 'Vote?', -1, ['A']);
        const agent = browser(suite.app);
        const token = await openForm(agent, question.id);
        const response = await agent
          .post(`/polls/${question.id}/vote/`)
          .type('form')
          .send({ csrf_token: token, choice: String(question.choiceIds[0]), padding: 'x'.repeat(64 * 1024) })
          .expect(413);
        assert.equal(response.headers.connection, 'close');
        assert.match(response.text, /request body is too large/);
        assert.deepEqual(await votesOf(suite.db.knex, question.id), [0]);
      });
    });

    describe('the results page', () => {
      it('shows each choice with singular and plural vote counts, a bar, and "Vote again?"', async () => {
        const question = await createQuestion(suite.db.knex, 'Results?', -1, ['One', 'Two', 'None']);
        await suite.db.knex('choices').where({ id: question.choiceIds[0] }).update({ votes: 1 });
        await suite.db.knex('choices').where({ id: question.choiceIds[1] }).update({ votes: 3 });
        const response = await get(`/polls/${question.id}/results/`).expect(200);
        assert.match(response.text, /One<\/span>\s*<span class="vote-count">1 vote<\/span>/);
        assert.match(response.text, /Two<\/span>\s*<span class="vote-count">3 votes<\/span>/);
        assert.match(response.text, /None<\/span>\s*<span class="vote-count">0 votes<\/span>/);
        assert.match(response.text, /<meter class="share"[^>]*value="25"/);
        assert.match(response.text, /<meter class="share"[^>]*value="75"/);
        assert.match(response.text, new RegExp(`<a href="/polls/${question.id}/">Vote again\\?</a>`));
      });

      it('shows shares that add up to 100: 34, 33 and 33 for three equal choices', async () => {
        const question = await createQuestion(suite.db.knex, 'Three ways?', -1, ['A', 'B', 'C']);
        await suite.db.knex('choices').whereIn('id', question.choiceIds).update({ votes: 1 });
        const response = await get(`/polls/${question.id}/results/`).expect(200);
        const shares = [...response.text.matchAll(/<meter class="share"[^>]*value="(\d+)"/g)].map(
          (match) => match[1],
        );
        assert.deepEqual(shares, ['34', '33', '33']);
      });

      it('is 404 for a question with a pub_date in the future', async () => {
        const future = await createQuestion(suite.db.knex, 'Future', 3, ['A']);
        await get(`/polls/${future.id}/results/`).expect(404);
      });

      it('is 404 for a question without choices', async () => {
        const empty = await createQuestion(suite.db.knex, 'Empty', -3, []);
        await get(`/polls/${empty.id}/results/`).expect(404);
      });
    });
  });
}
