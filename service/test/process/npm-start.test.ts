import assert from 'node:assert/strict';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serviceDir } from '../support/commands.js';
import { CookieJar } from '../support/cookie-jar.js';
import { startService, stopService, type ServiceProcess } from '../support/service-process.js';

/** Votes for the first choice of question 1 as a browser's form does; returns the response. */
async function voteForFirstChoice(url: string): Promise<Response> {
  const jar = new CookieJar();
  const page = await fetch(`${url}/polls/1/`);
  jar.take({ 'set-cookie': page.headers.getSetCookie() });
  const html = await page.text();
  const token = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
  const choice = /name="choice"[^>]*value="(\d+)"/.exec(html)?.[1];
  assert.ok(token && choice, 'the detail page has a form with a token and a choice');
  return fetch(`${url}/polls/1/vote/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body: new URLSearchParams({ csrf_token: token, choice }),
    redirect: 'manual',
  });
}

// `npm start` runs the one-file build of start.mjs (service/build.mjs), not the files the other tests load.
describe('`npm start` on the embedded database', () => {
  // Each test on a data directory of its own, so none depends on what another did.
  let dataDir: string;
  let service: ServiceProcess | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'polls-npm-start-'));
  });
  afterEach(async () => {
    await stopService(service);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = () => startService({ DATA_DIR: dataDir }, ['start.mjs']);

  it('serves the voter pages, a vote, the admin login and the static files from a new data directory', async function () {
    this.timeout(120_000);
    service = await start();
    for (const page of ['/polls/', '/polls/1/', '/polls/1/results/', '/api/questions/1', '/admin/login']) {
      assert.equal((await fetch(`${service.url}${page}`)).status, 200, page);
    }
    const stylesheet = /href="(\/static\/[^"]+\.css)"/.exec(
      await (await fetch(`${service.url}/polls/`)).text(),
    );
    assert.ok(stylesheet, 'the index links its stylesheet');
    assert.equal((await fetch(`${service.url}${stylesheet[1]}`)).status, 200);

    const vote = await voteForFirstChoice(service.url);
    assert.equal(vote.status, 303);
    assert.equal(vote.headers.get('location'), '/polls/1/results/');

    service.child.kill('SIGTERM');
    assert.equal(await service.exited, 0);
  });

  it('keeps the vote across a restart on the same directory, migrating nothing', async function () {
    this.timeout(120_000);
    service = await start();
    assert.equal((await voteForFirstChoice(service.url)).status, 303);
    service.child.kill('SIGTERM');
    assert.equal(await service.exited, 0);

    service = await start();
    const question = (await (await fetch(`${service.url}/api/questions/1`)).json()) as {
      choices: { votes: number }[];
    };
    assert.equal(
      question.choices.reduce((sum, choice) => sum + choice.votes, 0),
      1,
    );
    assert.doesNotMatch(service.output(), /migrated the embedded database/);
  });
});

/**
 * A copy of the service and of the root's lockfile in a scratch directory, with a node_modules whose entries
 * link to the installed ones but for `changed`, a copy the test may edit: the shared install stays as it is.
 */
function serviceWithOwnCopyOf(changed: string): { root: string; packageDir: string } {
  const installed = path.join(serviceDir, '..');
  const root = mkdtempSync(path.join(tmpdir(), 'polls-upgrade-'));
  for (const entry of ['src', 'views', 'static', 'build.mjs', 'bundle.mjs', 'start.mjs', 'package.json']) {
    cpSync(path.join(serviceDir, entry), path.join(root, 'service', entry), { recursive: true });
  }
  symlinkSync(path.join(serviceDir, 'node_modules'), path.join(root, 'service', 'node_modules'));
  cpSync(path.join(installed, 'package-lock.json'), path.join(root, 'package-lock.json'));
  mkdirSync(path.join(root, 'node_modules'));
  for (const entry of readdirSync(path.join(installed, 'node_modules'))) {
    // The workspaces' links would lead back to the installed service.
    if (entry === changed || entry === '@polls') continue;
    symlinkSync(path.join(installed, 'node_modules', entry), path.join(root, 'node_modules', entry));
  }
  const packageDir = path.join(root, 'node_modules', changed);
  cpSync(path.join(installed, 'node_modules', changed), packageDir, { recursive: true });
  return { root, packageDir };
}

describe('`npm start` after a dependency changed', () => {
  let root: string | undefined;
  let service: ServiceProcess | undefined;

  afterEach(async () => {
    await stopService(service);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('serves the new code: the one-file build is made again, not reused', async function () {
    this.timeout(120_000);
    const copy = serviceWithOwnCopyOf('helmet');
    root = copy.root;
    const start = () =>
      startService({ DATA_DIR: path.join(copy.root, 'data') }, [
        path.join(copy.root, 'service', 'start.mjs'),
      ]);
    const contentTypeOptions = async (url: string) =>
      (await fetch(`${url}/polls/`)).headers.get('x-content-type-options');

    service = await start();
    assert.equal(await contentTypeOptions(service.url), 'nosniff');
    service.child.kill('SIGTERM');
    assert.equal(await service.exited, 0);

    // As an upgrade would: the package's module changes on disk, nothing of the service does.
    const module = path.join(copy.packageDir, 'index.mjs');
    const before = readFileSync(module, 'utf8');
    const after = before.replace(
      '"X-Content-Type-Options", "nosniff"',
      '"X-Content-Type-Options", "nosniff-upgraded"',
    );
    assert.notEqual(
      after,
      before,
      "helmet's module no longer sets nosniff as this test expects: pick another change",
    );
    writeFileSync(module, after);

    service = await start();
    assert.equal(await contentTypeOptions(service.url), 'nosniff-upgraded');
  });
});
