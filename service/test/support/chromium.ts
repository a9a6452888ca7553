import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
