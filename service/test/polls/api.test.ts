import assert from 'node:assert/strict';
import supertest from 'supertest';
import { databaseTargets } from '../support/databases.js';
import { appOnDatabase } from '../support/app.js';
import { createQuestion, votesOf } from '../support/fixtures.js';

for (const target of databaseTargets) {
  describe(`JSON API on ${target.name}`, () => {
    const suite = appOnDatabase(target);

    const api = () => supertest(suite.app.callback());
    const vote = (questionId: number, body: unknown) =>
      api()
        .post(`/api/questions/${questionId}/votes`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));

    it('lists published questions newest first, hiding future ones and ones without choices', async () => {
      const old = await createQuestion(suite.db.knex, 'Old', -3);
      const recent = await createQuestion(suite.db.knex, 'Recent', -1);
      await createQuestion(suite.db.knex, 'Future', 1);
      await createQuestion(suite.db.knex, 'No choices', -1, []);
      const response = await api().get('/api/questions').expect(200).expect('Content-Type', /json/);
      assert.deepEqual(
        response.body.questions.map((question: { id: number }) => question.id),
        [recent.id, old.id],
      );
      assert.equal(response.body.questions[0].questionText, 'Recent');
    });

    it('pages through the list with limit and offset', async () => {
      for (let days = 1; days <= 3; days++) await createQuestion(suite.db.knex, `Q${days}`, -days);
      const response = await api().get('/api/questions?limit=1&offset=1').expect(200);
      assert.deepEqual(
        response.body.questions.map((question: { questionText: string }) => question.questionText),
        ['Q2'],
      );
    });

    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'offset=-1']) {
      it(`answers ?${query} with 400 and a message`, async () => {
        const response = await api().get(`/api/questions?${query}`).expect(400);
        assert.match(response.body.error, /must be a whole number/);
      });
    }

    it('shows one published question with its choices and counts', async () => {
      const question = await createQuestion(suite.db.knex, 'Which?', -1, ['A', 'B']);
      const response = await api().get(`/api/questions/${question.id}`).expect(200);
      assert.deepEqual(response.body.choices, [
        { id: question.choiceIds[0], choiceText: 'A', votes: 0 },
        { id: question.choiceIds[1], choiceText: 'B', votes: 0 },
      ]);
    });

    it('answers an unpublished or malformed question id with 404 and an error', async () => {
      const future = await createQuestion(suite.db.knex, 'Future', 1);
      for (const id of [String(future.id), 'x', '0']) {
        const response = await api().get(`/api/questions/${id}`).expect(404);
        assert.deepEqual(response.body, { error: 'Question not found.' });
      }
    });

    it('counts a vote and answers 201 with the new counts', async () => {
      const question = await createQuestion(suite.db.knex, 'Which?', -1, ['A', 'B']);
      const response = await vote(question.id, { choiceId: question.choiceIds[1] }).expect(201);
      assert.deepEqual(
        response.body.choices.map((choice: { votes: number }) => choice.votes),
        [0, 1],
      );
      assert.deepEqual(await votesOf(suite.db.knex, question.id), [0, 1]);
    });

    it("answers another question's choice with 422 and counts nothing", async () => {
      const question = await createQuestion(suite.db.knex, 'Which?', -1, ['A']);
      const other = await createQuestion(suite.db.knex, 'Other', -1, ['X']);
      const response = await vote(question.id, { choiceId: other.choiceIds[0] }).expect(422);
      assert.match(response.body.error, /has no choice/);
      assert.deepEqual(await votesOf(suite.db.knex, other.id), [0]);
    });

    it('answers a vote on an unpublished question with 404', async () => {
      const future = await createQuestion(suite.db.knex, 'Future', 1, ['A']);
      await vote(future.id, { choiceId: future.choiceIds[0] }).expect(404);
      assert.deepEqual(await votesOf(suite.db.knex, future.id), [0]);
    });

    for (const [label, body] of [
      ['a missing choiceId', {}],
      ['a string choiceId', { choiceId: '1' }],
      ['a fractional choiceId', { choiceId: 1.5 }],
      ['a negative choiceId', { choiceId: -1 }],
      ['an array body', [1]],
    ] as const) {
      it(`answers ${label} with 400`, async () => {
        const question = await createQuestion(suite.db.knex, 'Which?', -1, ['A']);
        const response = await vote(question.id, body).expect(400);
        assert.equal(typeof response.body.error, 'string');
        assert.deepEqual(await votesOf(suite.db.knex, question.id), [0]);
      });
    }

    it('answers malformed JSON with 400', async () => {
      const question = await createQuestion(suite.db.knex, 'Which?', -1, ['A']);
      const response = await api()
        .post(`/api/questions/${question.id}/votes`)
        .set('Content-Type', 'application/json')
        .send('{"choiceId": ')
        .expect(400);
      assert.match(response.body.error, /not valid/);
    });

    it('refuses a form-encoded vote (what a cross-site form sends) with 415', async () => {
      const question = await createQuestion(suite.db.knex, 'Which?', -1, ['A']);
      await api()
        .post(`/api/questions/${question.id}/votes`)
        .type('form')
        .send({ choiceId: String(question.choiceIds[0]) })
        .expect(415);
      assert.deepEqual(await votesOf(suite.db.knex, question.id), [0]);
    });
  });
}
