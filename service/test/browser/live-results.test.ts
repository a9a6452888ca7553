import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { listen } from '../../src/server.js';
import { testApp } from '../support/app.js';
import { browserSuite } from '../support/chromium.js';
import { databaseTargets } from '../support/databases.js';
import { createQuestion } from '../support/fixtures.js';

/** What the results page shows of one choice: its count text and its bar's value. */
async function shown(page: Page, choiceText: string): Promise<{ count: string; bar: number }> {
  const item = page.locator('li', { hasText: choiceText });
  return {
    count: ((await item.locator('.vote-count').textContent()) ?? '').trim(),
    bar: Number(await item.locator('meter').getAttribute('value')),
  };
}

for (const target of databaseTargets) {
  describe(`live results in Chromium, on ${target.name}`, function () {
    this.timeout(60_000);
    const suite = browserSuite(target, 'live-results');

    it('moves the counts, bars and total of two open results pages within 1 s of a vote, without reload', async () => {
      const { db, server, chromium } = suite;
      const question = await createQuestion(db.knex, 'Cats or dogs?', -1, ['Cats', 'Dogs']);
      const context = await chromium.newContext();
      const pages = [await context.newPage(), await context.newPage()];
      for (const page of pages) {
        await page.goto(`${server.url}/polls/${question.id}/results/`);
        await page.locator('ul.results[data-live="current"]').waitFor(); // the first event arrived
        assert.deepEqual(await shown(page, 'Dogs'), { count: '0 votes', bar: 0 });
      }
      const navigations = pages.map((page) =>
        page.evaluate(() => performance.getEntriesByType('navigation').length),
      );

      const sent = Date.now();
      const response = await fetch(`${server.url}/api/questions/${question.id}/votes`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ choiceId: question.choiceIds[1] }),
      });
      assert.equal(response.status, 201);
      for (const page of pages) {
        await page
          .locator('li', { hasText: 'Dogs' })
          .locator('.vote-count')
          .filter({ hasText: '1 vote' })
          .waitFor({ timeout: 5_000 });
      }
      const elapsed = Date.now() - sent;
      assert.ok(elapsed < 1_000, `the pages changed after ${elapsed} ms`);

      for (const [index, page] of pages.entries()) {
        assert.deepEqual(await shown(page, 'Dogs'), { count: '1 vote', bar: 100 });
        assert.deepEqual(await shown(page, 'Cats'), { count: '0 votes', bar: 0 });
        assert.equal((await page.locator('.total').textContent())?.trim(), '1 vote in all.');
        assert.equal(await page.locator('.total').getAttribute('aria-live'), 'polite');
        assert.equal(await page.locator('.live-status').isHidden(), true);
        assert.equal(
          await page.evaluate(() => performance.getEntriesByType('navigation').length),
          await navigations[index],
        );
        assert.equal(page.url(), `${server.url}/polls/${question.id}/results/`);
      }
      await suite.screenshot(pages[0]!, 'after-vote');
      await context.close();
    });

    it('says the poll closed at its closing time, with the last counts, and stops following it', async () => {
      const { db, server, chromium } = suite;
      const question = await createQuestion(db.knex, 'Open or closed?', -1, ['Open', 'Closed']);
      await db
        .knex('questions')
        .where({ id: question.id })
        .update({ closes_at: db.knex.raw(`now() + interval '2 seconds'`) });
      const page = await chromium.newPage();
      const streamsOpened: string[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('/results/events')) streamsOpened.push(request.url());
      });
      await page.goto(`${server.url}/polls/${question.id}/results/`);
      await page.locator('ul.results[data-live="current"]').waitFor();
      const response = await fetch(`${server.url}/api/questions/${question.id}/votes`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ choiceId: question.choiceIds[1] }),
      });
      assert.equal(response.status, 201);
      await page.locator('ul.results[data-live="closed"]').waitFor({ timeout: 10_000 });
      assert.match(
        (await page.locator('.live-status').textContent()) ?? '',
        /^This poll closed on \d{1,2} \w+ \d{4} at \d{2}:\d{2} UTC\.$/,
      );
      assert.deepEqual(await shown(page, 'Closed'), { count: '1 vote', bar: 100 });
      await suite.screenshot(page, 'closed');
      // EventSource would reconnect after the stream's retry delay (2 s): the page closed it instead.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      assert.equal(streamsOpened.length, 1);
      await page.close();
    });

    it('says the live results are reconnecting when its server shuts down', async () => {
      const { db, chromium } = suite;
      const question = await createQuestion(db.knex, 'Up or down?', -1, ['Up', 'Down']);
      const { app, readiness } = testApp(db);
      const server = await listen(app, 0, '127.0.0.1');
      const page = await chromium.newPage();
      try {
        await page.goto(`${server.url}/polls/${question.id}/results/`);
        await page.locator('ul.results[data-live="current"]').waitFor();
        assert.equal(await page.locator('.live-status').isHidden(), true);
        readiness.startDraining(); // the stream ends; reconnecting is refused with 503 while draining
        const status = page.getByRole('status');
        await status.waitFor();
        assert.equal(await status.textContent(), 'Live results lost: reconnecting…');
        assert.equal((await page.locator('.total').textContent())?.trim(), '0 votes in all.');
        await suite.screenshot(page, 'reconnecting');
      } finally {
        await page.close();
        await server.close(100);
      }
    });

    it('shows the counts of the moment with JavaScript disabled', async () => {
      const { db, server, chromium } = suite;
      const question = await createQuestion(db.knex, 'Tabs or spaces?', -1, ['Tabs', 'Spaces']);
      await db.knex('choices').where({ id: question.choiceIds[0] }).update({ votes: 3 });
      await db.knex('choices').where({ id: question.choiceIds[1] }).update({ votes: 1 });
      const context = await chromium.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${server.url}/polls/${question.id}/results/`);
      assert.deepEqual(await shown(page, 'Tabs'), { count: '3 votes', bar: 75 });
      assert.deepEqual(await shown(page, 'Spaces'), { count: '1 vote', bar: 25 });
      assert.equal((await page.locator('.total').textContent())?.trim(), '4 votes in all.');
      await suite.screenshot(page, 'no-javascript');
      await context.close();
    });
  });
}
