import assert from 'node:assert/strict';
import type supertest from 'supertest';
import { appOnDatabase, browser, formToken } from '../support/app.js';
import { databaseTargets } from '../support/databases.js';
import { createQuestion } from '../support/fixtures.js';
import { createAdmin, signedIn } from '../support/admin.js';

async function snapshot(db: import('knex').Knex) {
  return {
    questions: await db('questions').orderBy('id').select(),
    choices: await db('choices').orderBy('id').select(),
  };
}

for (const target of databaseTargets) {
  describe(`admin question editing on ${target.name}`, () => {
    const suite = appOnDatabase(target);
    let agent: supertest.Agent;
    beforeEach(async () => {
      await createAdmin(suite.db.knex);
      agent = await signedIn(suite.app);
    });

    const post = async (formPath: string, fields: Record<string, string>) => {
      const page = await agent.get(formPath).expect(200);
      return agent
        .post(formPath)
        .type('form')
        .send({ csrf_token: formToken(page.text), ...fields });
    };

    it('offers three empty choice rows on a new question', async () => {
      const page = await agent.get('/admin/questions/new').expect(200);
      assert.equal([...page.text.matchAll(/name="choices\[\d\]\[text\]" value=""/g)].length, 3);
    });

    it('creates a question with its non-empty choices', async () => {
      const response = await post('/admin/questions/new', {
        question_text: 'Best season?',
        pub_date: '2026-01-02T03:04',
        'choices[0][text]': 'Spring',
        'choices[1][text]': '',
        'choices[2][text]': 'Autumn',
      });
      assert.equal(response.status, 303);
      const { questions, choices } = await snapshot(suite.db.knex);
      assert.equal(questions.length, 1);
      assert.equal(questions[0].question_text, 'Best season?');
      assert.equal(new Date(questions[0].pub_date).toISOString(), '2026-01-02T03:04:00.000Z');
      assert.deepEqual(
        choices.map((c) => c.choice_text),
        ['Spring', 'Autumn'],
      );
    });

    it('adds a row without saving when asked for another choice', async () => {
      const response = await post('/admin/questions/new', {
        question_text: 'Q',
        pub_date: '',
        'choices[0][text]': 'kept',
        'choices[1][text]': '',
        'choices[2][text]': '',
        add_row: '1',
      });
      assert.equal(response.status, 200);
      assert.equal([...response.text.matchAll(/name="choices\[\d\]\[text\]"/g)].length, 4);
      assert.match(response.text, /value="kept"/);
      assert.equal((await snapshot(suite.db.knex)).questions.length, 0);
    });

    it('shows errors next to the fields and saves nothing when the form is invalid', async () => {
      const { id, choiceIds } = await createQuestion(suite.db.knex, 'Original?', -1, ['A', 'B']);
      const before = await snapshot(suite.db.knex);
      const response = await post(`/admin/questions/${id}/edit`, {
        question_text: 'Changed?',
        pub_date: 'not a date',
        'choices[0][id]': String(choiceIds[0]),
        'choices[0][text]': 'A changed',
        'choices[1][id]': String(choiceIds[1]),
        'choices[1][text]': '',
        'choices[2][text]': 'New <choice>',
      });
      assert.equal(response.status, 422);
      assert.match(response.text, /id="pub_date-error" class="error">Enter the publication date/);
      assert.match(
        response.text,
        /id="choice-1-error" class="error">Enter a text for this choice, or tick Remove\./,
      );
      assert.match(response.text, /value="New &lt;choice&gt;"/);
      assert.deepEqual(await snapshot(suite.db.knex), before);
    });

    it('rejects an over-long question text and an empty one', async () => {
      for (const text of ['', 'x'.repeat(201)]) {
        const response = await post('/admin/questions/new', {
          question_text: text,
          pub_date: '2026-01-02T03:04',
        });
        assert.equal(response.status, 422);
        assert.match(response.text, /id="question_text-error"/);
      }
      assert.equal((await snapshot(suite.db.knex)).questions.length, 0);
    });

    for (const pubDate of ['2026-02-31T10:00', '0000-01-01T00:00', '2026-13-01T00:00', '2026-01-01T24:00']) {
      it(`refuses the impossible date ${pubDate} with 422 instead of rolling it over`, async () => {
        const response = await post('/admin/questions/new', {
          question_text: 'When?',
          pub_date: pubDate,
          'choices[0][text]': 'Now',
        });
        assert.equal(response.status, 422);
        assert.match(response.text, /Enter the publication date and time/);
        assert.equal((await snapshot(suite.db.knex)).questions.length, 0);
      });
    }

    it('refuses a NUL character in the question text with 400, saving nothing', async () => {
      const response = await post('/admin/questions/new', {
        question_text: 'Nul\u0000?',
        pub_date: '2026-11-25T09:30',
      });
      assert.equal(response.status, 400);
      assert.match(response.text, /control character/);
      assert.equal((await snapshot(suite.db.knex)).questions.length, 0);
    });

    for (const choices of [[null], [7], ['text'], [[{ text: 'nested' }]], 'text'])
      it(`refuses choices ${JSON.stringify(choices)} in a JSON body with 422, saving nothing`, async () => {
        const page = await agent.get('/admin/questions/new').expect(200);
        const response = await agent
          .post('/admin/questions/new')
          .set('X-CSRF-Token', formToken(page.text))
          .send({ question_text: 'Shapes?', pub_date: '2026-11-25T09:30', choices });
        assert.equal(response.status, 422);
        assert.match(response.text, /not sent as a form row/);
        assert.equal((await snapshot(suite.db.knex)).questions.length, 0);
      });

    it('ignores a choice id beyond the integer range instead of failing', async () => {
      const question = await createQuestion(suite.db.knex, 'Range?', -1, ['A']);
      const response = await post(`/admin/questions/${question.id}/edit`, {
        question_text: 'Range?',
        pub_date: '2026-11-25T09:30',
        'choices[0][id]': '99999999999',
        'choices[0][text]': 'B',
      });
      assert.equal(response.status, 303);
      const { choices } = await snapshot(suite.db.knex);
      assert.deepEqual(
        choices.map((choice) => choice.choice_text),
        ['A', 'B'],
      );
    });

    it('edits texts, resets one choice’s votes, removes another and adds a new one', async () => {
      const { id, choiceIds } = await createQuestion(suite.db.knex, 'Q?', -1, ['A', 'B', 'C']);
      await suite.db.knex('choices').update({ votes: 4 });
      const response = await post(`/admin/questions/${id}/edit`, {
        question_text: 'Q edited?',
        pub_date: '2026-01-02T03:04',
        'choices[0][id]': String(choiceIds[0]),
        'choices[0][text]': 'A edited',
        'choices[0][reset]': 'on',
        'choices[1][id]': String(choiceIds[1]),
        'choices[1][text]': 'B',
        'choices[1][remove]': 'on',
        'choices[2][id]': String(choiceIds[2]),
        'choices[2][text]': 'C',
        'choices[3][text]': 'D',
      });
      assert.equal(response.status, 303);
      const { questions, choices } = await snapshot(suite.db.knex);
      assert.equal(questions[0].question_text, 'Q edited?');
      assert.deepEqual(
        choices.map((c) => [c.choice_text, Number(c.votes)]),
        [
          ['A edited', 0],
          ['C', 4],
          ['D', 0],
        ],
      );
    });

    it('saves the voting rule and the closing time the editor picks, and shows them again', async () => {
      const response = await post('/admin/questions/new', {
        question_text: 'Rules?',
        pub_date: '2026-01-02T03:04',
        closes_at: '2026-02-01T18:00',
        voting_rule: 'one-per-browser-and-address',
        'choices[0][text]': 'Yes',
      });
      assert.equal(response.status, 303);
      const [question] = (await snapshot(suite.db.knex)).questions;
      assert.equal(question.voting_rule, 'one-per-browser-and-address');
      assert.equal(new Date(question.closes_at).toISOString(), '2026-02-01T18:00:00.000Z');
      const page = await agent.get(`/admin/questions/${question.id}/edit`).expect(200);
      assert.match(page.text, /name="closes_at" type="datetime-local" value="2026-02-01T18:00"/);
      assert.match(page.text, /<option value="one-per-browser-and-address" selected>/);
    });

    it('gives a new question one vote per browser and no closing time unless the editor picks others', async () => {
      const form = await agent.get('/admin/questions/new').expect(200);
      assert.match(form.text, /<option value="one-per-browser" selected>One vote per browser<\/option>/);
      await post('/admin/questions/new', { question_text: 'Plain?', pub_date: '2026-01-02T03:04' });
      const [question] = (await snapshot(suite.db.knex)).questions;
      assert.equal(question.voting_rule, 'one-per-browser');
      assert.equal(question.closes_at, null);
    });

    const badRules: [string, Record<string, string>, RegExp][] = [
      [
        'an unknown voting rule',
        { voting_rule: 'twice' },
        /id="voting_rule-error" class="error">Choose how many votes/,
      ],
      [
        'a closing time that is no date',
        { closes_at: 'soon' },
        /id="closes_at-error" class="error">Enter the closing date/,
      ],
      [
        'a closing time before publication',
        { closes_at: '2026-01-01T00:00' },
        /id="closes_at-error" class="error">Close the poll after its publication date\./,
      ],
    ];
    for (const [label, fields, message] of badRules) {
      it(`refuses ${label} with 422 and says why, saving nothing`, async () => {
        const response = await post('/admin/questions/new', {
          question_text: 'Bad?',
          pub_date: '2026-01-02T03:04',
          ...fields,
        });
        assert.equal(response.status, 422);
        assert.match(response.text, message);
        assert.equal((await snapshot(suite.db.knex)).questions.length, 0);
      });
    }

    it('resetting a choice’s votes also forgets its ballots, so its voters may vote again', async () => {
      const { id, choiceIds } = await createQuestion(suite.db.knex, 'Reset?', -1, ['A', 'B']);
      await suite.db.knex('choices').where({ id: choiceIds[0] }).update({ votes: 1 });
      await suite.db.knex('choices').where({ id: choiceIds[1] }).update({ votes: 1 });
      await suite.db.knex('ballots').insert([
        { question_id: id, voter: '00000000-0000-4000-8000-000000000001', choice_id: choiceIds[0] },
        { question_id: id, voter: '00000000-0000-4000-8000-000000000002', choice_id: choiceIds[1] },
      ]);
      await post(`/admin/questions/${id}/edit`, {
        question_text: 'Reset?',
        pub_date: '2026-01-02T03:04',
        'choices[0][id]': String(choiceIds[0]),
        'choices[0][text]': 'A',
        'choices[0][reset]': 'on',
        'choices[1][id]': String(choiceIds[1]),
        'choices[1][text]': 'B',
      });
      const ballots = await suite.db.knex('ballots').select('choice_id');
      assert.deepEqual(ballots, [{ choice_id: choiceIds[1] }]);
    });

    it('never touches a choice of another question', async () => {
      const mine = await createQuestion(suite.db.knex, 'Mine?', -1, ['A']);
      const other = await createQuestion(suite.db.knex, 'Other?', -1, ['X']);
      await post(`/admin/questions/${mine.id}/edit`, {
        question_text: 'Mine?',
        pub_date: '2026-01-02T03:04',
        'choices[0][id]': String(other.choiceIds[0]),
        'choices[0][text]': 'hijacked',
        'choices[0][remove]': 'on',
      });
      const otherChoices = await suite.db
        .knex('choices')
        .where({ question_id: other.id })
        .select('choice_text');
      assert.deepEqual(otherChoices, [{ choice_text: 'X' }]);
    });

    it('asks for confirmation, then deletes the question with its choices', async () => {
      const { id } = await createQuestion(suite.db.knex, 'Doomed <b>?', -1, ['A', 'B']);
      const confirm = await agent.get(`/admin/questions/${id}/delete`).expect(200);
      assert.match(confirm.text, /Doomed &lt;b&gt;\?/);
      const response = await post(`/admin/questions/${id}/delete`, {});
      assert.equal(response.status, 303);
      assert.deepEqual(await snapshot(suite.db.knex), { questions: [], choices: [] });
    });

    it('answers 404 for an unknown or malformed question id', async () => {
      await agent.get('/admin/questions/999/edit').expect(404);
      await agent.get('/admin/questions/abc/edit').expect(404);
      await agent.get('/admin/questions/999/delete').expect(404);
    });

    it('rejects a form without a CSRF token', async () => {
      const { id } = await createQuestion(suite.db.knex, 'Kept?', -1);
      await agent.post(`/admin/questions/${id}/delete`).type('form').send({}).expect(403);
      assert.equal((await snapshot(suite.db.knex)).questions.length, 1);
    });

    it('requires a session for every question page', async () => {
      const anonymous = browser(suite.app);
      for (const path of ['/admin/questions/new', '/admin/questions/1/edit', '/admin/questions/1/delete'])
        assert.equal((await anonymous.get(path)).status, 303);
    });
  });
}
