import assert from 'node:assert/strict';
import { browserSuite } from '../support/chromium.js';
import { databaseTargets } from '../support/databases.js';
import { createQuestion, votesOf } from '../support/fixtures.js';

for (const target of databaseTargets) {
  describe(`a voter in Chromium, on ${target.name}`, function () {
    this.timeout(60_000);
    const suite = browserSuite(target, 'voter');

    it('opens the polls, is told to pick a choice, votes, and sees the count on the results', async () => {
      const { db, server, chromium } = suite;
      const question = await createQuestion(db.knex, 'What is your favourite colour?', -1, [
        'Blue',
        'Yellow',
      ]);
      const page = await chromium.newPage();
      const shot = (name: string) => suite.screenshot(page, name);

      await page.goto(`${server.url}/polls/`);
      await page.getByRole('link', { name: 'What is your favourite colour?' }).click();
      await page.waitForURL(`${server.url}/polls/${question.id}/`);
      await shot('1-detail');

      await page.getByRole('button', { name: 'Vote' }).click();
      await page.getByRole('alert').waitFor();
      assert.equal(await page.getByRole('alert').textContent(), "You didn't select a choice.");
      await shot('2-no-choice');

      await page.getByLabel('Yellow').check();
      await page.getByRole('button', { name: 'Vote' }).click();
      await page.waitForURL(`${server.url}/polls/${question.id}/results/`);
      const yellow = page.locator('li', { hasText: 'Yellow' });
      assert.equal((await yellow.locator('.vote-count').textContent())?.trim(), '1 vote');
      assert.equal(
        (await page.locator('li', { hasText: 'Blue' }).locator('.vote-count').textContent())?.trim(),
        '0 votes',
      );
      assert.equal((await yellow.locator('.own-choice-mark').textContent())?.trim(), 'Your vote');
      assert.equal(await page.getByRole('link', { name: 'Vote again?' }).count(), 0);
      await shot('3-results');
      assert.deepEqual(await votesOf(db.knex, question.id), [0, 1]);

      // One vote per browser (a new question's rule): the form takes a second one, the service refuses it.
      await page.goto(`${server.url}/polls/${question.id}/`);
      await page.getByLabel('Blue').check();
      await page.getByRole('button', { name: 'Vote' }).click();
      await page.getByRole('alert').waitFor();
      assert.equal(
        await page.getByRole('alert').textContent(),
        'You have already voted in this poll. See the results',
      );
      await shot('4-already-voted');
      await page.getByRole('alert').getByRole('link', { name: 'See the results' }).click();
      await page.waitForURL(`${server.url}/polls/${question.id}/results/`);
      assert.deepEqual(await votesOf(db.knex, question.id), [0, 1]);
      await page.close();
    });
  });
}
