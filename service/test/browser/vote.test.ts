import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { listen, type RunningServer } from '../../src/server.js';
import { testApp } from '../support/app.js';
import { chromiumInstallHint, chromiumInstalled, launchChromium } from '../support/chromium.js';
import { databaseTargets, type TestDatabase } from '../support/databases.js';
import { createQuestion, votesOf } from '../support/fixtures.js';
import { serviceDir } from '../process/commands.js';

const screenshots = path.join(serviceDir, 'test-results', 'screenshots');

for (const target of databaseTargets) {
  describe(`a voter in Chromium, on ${target.name}`, function () {
    this.timeout(60_000);
    let db: TestDatabase;
    let server: RunningServer;
    let chromium: Browser | undefined;

    before(async function () {
      if (!chromiumInstalled()) {
        console.log(`    skipped: no Chromium at /usr/bin/chromium; ${chromiumInstallHint}`);
        this.skip();
      }
      db = await target.open();
      await db.reset();
      server = await listen(testApp(db.knex).app, 0, '127.0.0.1');
      chromium = await launchChromium();
      mkdirSync(screenshots, { recursive: true });
    });
    after(async () => {
      await chromium?.close();
      await server?.close(1000);
    });

    it('opens the polls, is told to pick a choice, votes, and sees the count on the results', async () => {
      const question = await createQuestion(db.knex, 'What is your favourite colour?', -1, [
        'Blue',
        'Yellow',
      ]);
      const page = await chromium!.newPage();
      const shot = (name: string) =>
        page.screenshot({
          path: path.join(screenshots, `${target.name.replace(/\W+/g, '-')}-${name}.png`),
          fullPage: true,
        });

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
