import assert from 'node:assert/strict';
import type supertest from 'supertest';
import { pageSize } from '../../src/admin/question-list.js';
import { appOnDatabase } from '../support/app.js';
import { databaseTargets } from '../support/databases.js';
import { createQuestion } from '../support/fixtures.js';
import { createAdmin, signedIn } from '../support/admin.js';

const listed = (html: string) =>
  [...html.matchAll(/<td><a href="\/admin\/questions\/\d+\/edit">([^<]+)<\/a><\/td>/g)].map(
    (match) => match[1],
  );

for (const target of databaseTargets) {
  describe(`admin question list on ${target.name}`, () => {
    const suite = appOnDatabase(target);
    let agent: supertest.Agent;
    beforeEach(async () => {
      await createAdmin(suite.db.knex);
      agent = await signedIn(suite.app);
    });

    it('searches question texts, treating % and _ literally', async () => {
      await createQuestion(suite.db.knex, 'Favourite colour?', -1);
      await createQuestion(suite.db.knex, 'Favourite food?', -1);
      await createQuestion(suite.db.knex, '100% sure?', -1);
      assert.deepEqual(listed((await agent.get('/admin/?q=COLOUR')).text), ['Favourite colour?']);
      assert.deepEqual(listed((await agent.get('/admin/?q=%25')).text), ['100% sure?']);
    });

    it('filters by publication date and by having no choices, and marks recent ones', async () => {
      await createQuestion(suite.db.knex, 'Recent', -0.01);
      await createQuestion(suite.db.knex, 'Three days', -3);
      await createQuestion(suite.db.knex, 'Old', -800);
      await createQuestion(suite.db.knex, 'Scheduled', 2);
      await createQuestion(suite.db.knex, 'Empty', -800, []);
      assert.deepEqual(listed((await agent.get('/admin/?date=week')).text).sort(), ['Recent', 'Three days']);
      assert.deepEqual(listed((await agent.get('/admin/?date=future')).text), ['Scheduled']);
      assert.deepEqual(listed((await agent.get('/admin/?no_choices=1')).text), ['Empty']);
      const all = (await agent.get('/admin/')).text;
      assert.equal([...all.matchAll(/Published recently<\/span>/g)].length, 1);
      assert.match(all, /5 questions/);
    });

    it('shows each question’s voting rule and its closing time, closed or not', async () => {
      const open = await createQuestion(suite.db.knex, 'Still open', -1);
      const closed = await createQuestion(suite.db.knex, 'Over', -2);
      await suite.db
        .knex('questions')
        .where({ id: open.id })
        .update({ closes_at: new Date('2999-01-01T12:00Z') });
      await suite.db
        .knex('questions')
        .where({ id: closed.id })
        .update({ closes_at: new Date('2020-01-01T12:00Z'), voting_rule: 'any-number' });
      const page = (await agent.get('/admin/')).text;
      assert.match(
        page,
        /Still open<\/a><\/td>[\s\S]*?Closes 1 January 2999 at 12:00 UTC<\/span> <span class="recent">One vote per browser</,
      );
      assert.match(
        page,
        /Over<\/a><\/td>[\s\S]*?Closed 1 January 2020 at 12:00 UTC<\/span> <span class="recent">Any number of votes</,
      );
    });

    it('sorts by a column in either direction', async () => {
      await createQuestion(suite.db.knex, 'B', -1, ['x', 'y', 'z']);
      await createQuestion(suite.db.knex, 'A', -2, ['x']);
      await createQuestion(suite.db.knex, 'C', -3, ['x', 'y']);
      assert.deepEqual(listed((await agent.get('/admin/?sort=text&dir=asc')).text), ['A', 'B', 'C']);
      assert.deepEqual(listed((await agent.get('/admin/?sort=choices&dir=desc')).text), ['B', 'C', 'A']);
      assert.deepEqual(listed((await agent.get('/admin/')).text), ['B', 'A', 'C']);
    });

    it('treats prototype keys as sort and filter values like any unknown value: the default view', async () => {
      await createQuestion(suite.db.knex, 'B', -1);
      await createQuestion(suite.db.knex, 'A', -2);
      for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
        const response = await agent.get(`/admin/?sort=${key}&date=${key}`).expect(200);
        assert.deepEqual(listed(response.text), ['B', 'A'], key);
      }
    });

    it('totals votes beyond the 32-bit range', async () => {
      const question = await createQuestion(suite.db.knex, 'Popular?', -1);
      await suite.db
        .knex('choices')
        .where({ question_id: question.id })
        .update({ votes: 2 ** 31 - 1 });
      const page = await agent.get('/admin/').expect(200);
      assert.match(page.text, new RegExp(`<td>2</td>\\s*<td>${2 ** 32 - 2}</td>`));
    });

    it(`shows ${pageSize} questions a page with links between pages`, async () => {
      for (let index = 0; index < pageSize + 3; index++)
        await createQuestion(suite.db.knex, `Question ${String(index).padStart(2, '0')}`, -1 - index);
      const first = await agent.get('/admin/');
      assert.equal(listed(first.text).length, pageSize);
      assert.match(first.text, /23 questions, page 1 of 2/);
      assert.match(first.text, /href="\/admin\/\?page=2" rel="next"/);
      const second = await agent.get('/admin/?page=2');
      assert.deepEqual(listed(second.text), ['Question 20', 'Question 21', 'Question 22']);
      assert.equal(listed((await agent.get('/admin/?page=99')).text).length, 3);
    });
  });
}
