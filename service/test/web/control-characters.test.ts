import assert from 'node:assert/strict';
import supertest from 'supertest';
import { appOnDatabase } from '../support/app.js';
import { databaseTargets } from '../support/databases.js';
import { createQuestion, votesOf } from '../support/fixtures.js';

for (const target of databaseTargets) {
  describe(`control characters in requests on ${target.name}`, () => {
    const suite = appOnDatabase(target);
    const client = () => supertest(suite.app.callback());

    it('refuses a NUL in a query value with 400 and a message', async () => {
      const response = await client().get('/api/questions?limit=%00').expect(400);
      assert.match(response.body.error, /control character/);
    });

    it('refuses a control character anywhere in a JSON body, however deep, and counts nothing', async () => {
      const question = await createQuestion(suite.db.knex, 'Nul?', -1);
      for (const body of [
        { choiceId: question.choiceIds[0], note: 'a\u0000b' },
        { choiceId: question.choiceIds[0], deep: [[[{ x: '\u001f' }]]] },
        { choiceId: question.choiceIds[0], ['key\u0001']: 1 },
      ]) {
        await client().post(`/api/questions/${question.id}/votes`).send(body).expect(400);
      }
      assert.deepEqual(await votesOf(suite.db.knex, question.id), [0, 0]);
    });

    it('accepts tabs and line breaks', async () => {
      const question = await createQuestion(suite.db.knex, 'Tabs?', -1);
      await client()
        .post(`/api/questions/${question.id}/votes`)
        .send({ choiceId: question.choiceIds[0], note: 'a\tb\r\nc' })
        .expect(201);
    });
  });
}
