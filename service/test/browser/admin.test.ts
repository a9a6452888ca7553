/// <reference lib="dom" /> // the functions passed to page.evaluate run in the page
import assert from 'node:assert/strict';
import { browserSuite } from '../support/chromium.js';
import { databaseTargets } from '../support/databases.js';
import { createQuestion } from '../support/fixtures.js';
import { adminPassword, adminUsername, createAdmin } from '../support/admin.js';

for (const target of databaseTargets) {
  describe(`an editor in Chromium, on ${target.name}`, function () {
    this.timeout(60_000);
    const suite = browserSuite(target, 'admin', (db) => createAdmin(db.knex));

    it('logs in, writes a poll, sees a vote counted, edits a choice and deletes the poll', async () => {
      const { db, server, chromium } = suite;
      const admin = await chromium.newPage();
      const shot = (name: string) => suite.screenshot(admin, name);

      await admin.goto(`${server.url}/admin/questions/new`);
      await admin.waitForURL(/\/admin\/login\?next=/);
      await admin.getByLabel('Username').fill(adminUsername);
      await admin.getByLabel('Password').fill(adminPassword);
      await shot('1-login');
      await admin.getByRole('button', { name: 'Log in' }).click();
      await admin.waitForURL(`${server.url}/admin/questions/new`);

      await admin.getByLabel('Question').fill('Tea or coffee?');
      await admin.getByLabel('Choice 1').fill('Tea');
      await admin.getByLabel('Choice 2').fill('Coffee');
      await admin.getByLabel('Choice 3').fill('Neither');
      await shot('2-new-question');
      await admin.getByRole('button', { name: 'Save' }).click();
      await admin.waitForURL(/\/admin\/\?saved=/);

      const voter = await chromium.newPage();
      await voter.goto(`${server.url}/polls/`);
      await voter.getByRole('link', { name: 'Tea or coffee?' }).click();
      await voter.getByLabel('Coffee').check();
      await voter.getByRole('button', { name: 'Vote' }).click();
      await voter.waitForURL(/\/results\/$/);
      await voter.close();

      await admin.goto(`${server.url}/admin/`);
      const row = admin.locator('tr', { hasText: 'Tea or coffee?' });
      assert.deepEqual(
        await row
          .locator('td')
          .allTextContents()
          .then((cells) => cells.slice(2)),
        ['3', '1'],
      );
      await shot('3-list-with-vote');

      await row.getByRole('link', { name: 'Tea or coffee?' }).click();
      await admin.getByLabel('Choice 3').fill('Hot chocolate');
      await admin.getByRole('button', { name: 'Save' }).click();
      await admin.waitForURL(/\/admin\/\?saved=/);
      const choices = await db.knex('choices').orderBy('id').select('choice_text', 'votes');
      assert.deepEqual(
        choices.map((choice: { choice_text: string; votes: string | number }) => ({
          ...choice,
          votes: Number(choice.votes), // bigint: a string from pg
        })),
        [
          { choice_text: 'Tea', votes: 0 },
          { choice_text: 'Coffee', votes: 1 },
          { choice_text: 'Hot chocolate', votes: 0 },
        ],
      );

      await admin.locator('tr', { hasText: 'Tea or coffee?' }).getByRole('link').click();
      await admin.getByRole('link', { name: 'Delete this question' }).click();
      await shot('4-confirm-delete');
      await admin.getByRole('button', { name: 'Yes, delete it' }).click();
      await admin.waitForURL(/\/admin\/\?deleted=1/);
      await shot('5-deleted');
      assert.equal((await db.knex('choices').select()).length, 0);
      await admin.close();
    });

    it('works on a phone-sized screen by keyboard alone: logs in and writes a poll with Enter', async () => {
      const { db, server, chromium } = suite;
      const phone = await chromium.newContext({ viewport: { width: 375, height: 740 }, isMobile: true });
      const admin = await phone.newPage();
      const shot = (name: string) => suite.screenshot(admin, `phone-${name}`);
      const focused = () =>
        admin.evaluate(() => {
          const element = document.activeElement as HTMLElement;
          return { id: element.id, outline: getComputedStyle(element).outlineStyle };
        });
      const fitsTheScreen = () =>
        admin.evaluate(() =>
          [document.documentElement, ...Array.from(document.querySelectorAll('.admin-table-wrap'))].every(
            (box) => box.scrollWidth <= box.clientWidth,
          ),
        );

      await createQuestion(db.knex, 'Which season do you like best of all four?', -2, ['Spring', 'Autumn']);
      await admin.goto(`${server.url}/admin/`);
      await admin.waitForURL(/\/admin\/login/);
      for (let tabs = 0; tabs < 10 && (await focused()).id !== 'username'; tabs++) {
        await admin.keyboard.press('Tab');
      }
      assert.deepEqual(await focused(), { id: 'username', outline: 'solid' }, 'a visible focus ring');
      await admin.keyboard.type(adminUsername);
      await admin.keyboard.press('Tab');
      assert.equal((await focused()).id, 'password');
      await admin.keyboard.type(adminPassword);
      await admin.keyboard.press('Enter');
      await admin.waitForURL(`${server.url}/admin/`);
      assert.equal(await fitsTheScreen(), true, 'the question list and its table need no sideways scrolling');
      await shot('1-list');

      await admin.getByRole('link', { name: 'Add a question' }).focus();
      await admin.keyboard.press('Enter');
      await admin.waitForURL(`${server.url}/admin/questions/new`);
      await admin.getByLabel('Question').focus();
      await admin.keyboard.type('Cats or dogs?');
      await admin.getByLabel('Choice 1').focus();
      await admin.keyboard.type('Cats');
      await admin.keyboard.press('Tab');
      await admin.keyboard.type('Dogs');
      assert.equal(await fitsTheScreen(), true, 'the form needs no sideways scrolling');
      await shot('2-new-question');
      await admin.keyboard.press('Enter'); // Save, not "Add another choice"
      await admin.waitForURL(/\/admin\/\?saved=/);

      const question = await db.knex('questions').where({ question_text: 'Cats or dogs?' }).first('id');
      assert.ok(question, 'Enter saved the question');
      const choices = await db.knex('choices').where({ question_id: question.id }).orderBy('id');
      assert.deepEqual(
        choices.map((choice: { choice_text: string }) => choice.choice_text),
        ['Cats', 'Dogs'],
      );
      await phone.close();
    });
  });
}
