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
      await shot('3-results');
      assert.deepEqual(await votesOf(db.knex, question.id), [0, 1]);

      await page.getByRole('link', { name: 'Vote again?' }).click();
      await page.waitForURL(`${server.url}/polls/${question.id}/`);
      await page.close();
    });
  });
}
