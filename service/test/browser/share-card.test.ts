/// <reference lib="dom" /> // the functions passed to evaluate run in the page
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import jsQRModule from 'jsqr';
import { adminPassword, adminUsername, createAdmin } from '../support/admin.js';
import { browserSuite } from '../support/chromium.js';
import { databaseTargets } from '../support/databases.js';
import { createQuestion } from '../support/fixtures.js';

// jsqr is CommonJS whose `exports.default` is the decoder; Node's default import is `module.exports`.
const jsQR = jsQRModule.default;

// Pixels a side the QR image is drawn at for the decoder: several per module, as a camera would see it.
const decodedSize = 400;

for (const target of databaseTargets) {
  describe(`an editor's share card in Chromium, on ${target.name}`, function () {
    this.timeout(60_000);
    const suite = browserSuite(target, 'share-card', (db) => createAdmin(db.knex));

    it('shows the public URL and a QR code that decodes to it, downloads the results, and prints the card alone', async () => {
      const { db, server, chromium } = suite;
      const { id } = await createQuestion(db.knex, 'Tea or coffee?', -1, ['Tea', 'Coffee']);
      const page = await chromium.newPage();
      // A resource the CSP refused, or one that failed to load, is reported as a console error. The service
      // has no /favicon.ico, which Chromium asks for on its own.
      const consoleErrors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico'))
          consoleErrors.push(`${message.text()} (${message.location().url})`);
      });

      await page.goto(`${server.url}/admin/questions/${id}/edit`);
      await page.getByLabel('Username').fill(adminUsername);
      await page.getByLabel('Password').fill(adminPassword);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${server.url}/admin/questions/${id}/edit`);

      const publicUrl = `${server.url}/polls/${id}/`;
      const card = page.getByRole('region', { name: 'Share this poll' });
      assert.equal(await card.getByRole('link', { name: publicUrl }).getAttribute('href'), publicUrl);
      const qr = card.getByRole('img', { name: `QR code of ${publicUrl}` });
      const pixels = await qr.evaluate(async (image: HTMLImageElement, size) => {
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = canvas.height = size;
        const context = canvas.getContext('2d')!;
        // The SVG draws the dark modules only; paper is white.
        context.fillStyle = '#ffffff';
        context.fillRect(0, 0, size, size);
        context.drawImage(image, 0, 0, size, size);
        return Array.from(context.getImageData(0, 0, size, size).data);
      }, decodedSize);
      const decoded = jsQR(Uint8ClampedArray.from(pixels), decodedSize, decodedSize);
      assert.equal(decoded?.data, publicUrl);
      await suite.screenshot(page, '1-question-page');

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'CSV for a spreadsheet' }).click(),
      ]);
      assert.equal(download.suggestedFilename(), `poll-${id}-Tea-or-coffee-results.csv`);
      const csv = await readFile(await download.path());
      assert.equal(
        csv.toString('utf8'),
        '\uFEFF"Choice","Votes","Share (%)"\r\n"Tea",0,0.0\r\n"Coffee",0,0.0\r\n',
      );

      await page.emulateMedia({ media: 'print' });
      for (const chrome of ['.site-header', '.admin-bar', 'form.admin-form', '.results-export', 'h1'])
        assert.equal(await page.locator(chrome).first().isVisible(), false, `${chrome} is printed`);
      assert.equal(await qr.isVisible(), true);
      assert.equal(await card.getByText(publicUrl).isVisible(), true);
      assert.equal(await card.getByText('Tea or coffee?').isVisible(), true);
      await suite.screenshot(page, '2-printed');
      // Printed for real (Chromium's print to PDF, A4): the card fits on one page.
      const pdf = (await page.pdf({ format: 'A4' })).toString('latin1');
      assert.equal(pdf.match(/\/Type\s*\/Page\b/g)?.length, 1);

      assert.deepEqual(consoleErrors, []);
      await page.close();
    });
  });
}
