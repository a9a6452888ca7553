import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
  let dataDir: string;
  let service: ServiceProcess | undefined;

  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'polls-npm-start-'));
  });
  afterEach(() => stopService(service));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

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
