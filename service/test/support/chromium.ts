import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { listen, type RunningServer } from '../../src/server.js';
import { testApp } from './app.js';
import type { DatabaseTarget, TestDatabase } from './databases.js';

export const chromiumPath = '/usr/bin/chromium';
export const chromiumInstallHint = 'install Chromium with: apt-get install -y chromium';

export function chromiumInstalled(): boolean {
  return existsSync(chromiumPath);
}

/**
 * Debian's headless Chromium with no traffic beyond the pages we open. Playwright gives every launch a
 * fresh temporary profile (--user-data-dir) of its own and deletes it on close.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const screenshotsDir = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

export interface BrowserSuite {
  readonly db: TestDatabase;
  readonly server: RunningServer;
  readonly chromium: Browser;
  /** Saves a full-page screenshot as test-results/screenshots/<prefix>-<database>-<name>.png. */
  screenshot(page: Page, name: string): Promise<Buffer>;
}

/**
 * Registers the hooks of a browser suite on one database: an emptied database (then `prepare`), the app
 * listening on a free port, and Chromium. Skips the suite, saying why, where Chromium is not installed.
 */
export function browserSuite(
  target: DatabaseTarget,
  screenshotPrefix: string,
  prepare: (db: TestDatabase) => Promise<void> = async () => {},
): BrowserSuite {
  const suite = {} as { db: TestDatabase; server: RunningServer; chromium: Browser };
  before(async function () {
    if (!chromiumInstalled()) {
      console.log(`    skipped: no Chromium at ${chromiumPath}; ${chromiumInstallHint}`);
      this.skip();
    }
    suite.db = await target.open();
    await suite.db.reset();
    await prepare(suite.db);
    suite.server = await listen(testApp(suite.db).app, 0, '127.0.0.1');
    suite.chromium = await launchChromium();
    mkdirSync(screenshotsDir, { recursive: true });
  });
  after(async () => {
    await suite.chromium?.close();
    await suite.server?.close(1000);
  });
  return {
    get db() {
      return suite.db;
    },
    get server() {
      return suite.server;
    },
    get chromium() {
      return suite.chromium;
    },
    screenshot: (page, name) =>
      page.screenshot({
        path: path.join(
          screenshotsDir,
          `${screenshotPrefix}-${target.name.replace(/\W+/g, '-')}-${name}.png`,
        ),
        fullPage: true,
      }),
  };
}
