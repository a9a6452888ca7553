import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import supertest from 'supertest';
import { spawnChild, spawnServiceCommand, waitForOk, type Child } from '../../scale/child.js';
import { findNginx, nginxMissing } from '../../scale/nginx.js';
import { connectToServer } from '../../src/db/connect.js';
import type { Database } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrator.js';
import { createAdmin, submitLogin } from '../support/admin.js';
import { formToken } from '../support/app.js';
import { postgresServer } from '../support/databases.js';
import { edgeCacheConfig } from '../support/edge-cache.js';
import { createQuestion, votesOf, type CreatedQuestion } from '../support/fixtures.js';
import { createScratchDatabase, freePort } from '../support/postgres-server.js';
import { rawRequest } from '../support/raw-request.js';

const run = promisify(execFile);
const indexEdgeSeconds = 2;

/**
 * The service behind a real shared cache (Debian's nginx, configured from the CDN's rules), visited by two
 * people: what is shared is the same for both and carries no cookie; what is theirs never leaks.
 */
describe('the service behind an edge cache configured from the CDN rules', function () {
  this.timeout(90_000);
  const seen = { HIT: 0, MISS: 0, EXPIRED: 0, uncached: 0 };
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let database: Database;
  let service: Child;
  let edge: Child;
  let prefix: string;
  let edgeUrl: string;
  let question: CreatedQuestion;

  /** What the edge did with a response, counted for the figures printed at the end. */
  const cacheStatus = (headers: Record<string, string | string[] | undefined>) => {
    const status = headers['x-cache-status'];
    const key = typeof status === 'string' && status in seen ? (status as keyof typeof seen) : 'uncached';
    seen[key] += 1;
    return key;
  };
  const visitor = () => supertest.agent(edgeUrl);

  before(async function () {
    const nginx = findNginx();
    if (!nginx) throw new Error(nginxMissing);
    scratch = await createScratchDatabase((await postgresServer()).adminUrl, 'edge_cache');
    database = connectToServer(scratch.url);
    await migrateToLatest(database.knex, { serialise: false });
    question = await createQuestion(database.knex, 'Cached or not?', -1, ['Cached', 'Not']);
    await createAdmin(database.knex);

    const originPort = await freePort();
    service = spawnServiceCommand(
      'origin',
      'serve',
      {
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(originPort),
        DATABASE_URL: scratch.url,
        SESSION_KEYS: `edge-cache-test-key-${'k'.repeat(32)}`,
        TRUST_PROXY: 'true',
        INDEX_EDGE_MAX_AGE_SECONDS: String(indexEdgeSeconds),
        LOG_LEVEL: 'warn',
      },
      () => {},
    );
    await waitForOk(`http://127.0.0.1:${originPort}/readyz`, service, 30_000);

    prefix = mkdtempSync(path.join(tmpdir(), 'polls-edge-'));
    // As root, nginx's workers run as nobody, which must reach the cache and temp paths the master makes here.
    chmodSync(prefix, 0o755);
    const listenPort = await freePort();
    const config = path.join(prefix, 'nginx.conf');
    writeFileSync(config, edgeCacheConfig({ prefix, listenPort, originPort }));
    const args = ['-p', prefix, '-c', config, '-e', path.join(prefix, 'error.log')];
    await run(nginx, [...args, '-t', '-q']);
    edge = spawnChild('edge', nginx, [...args, '-g', 'daemon off;'], { env: {}, onLine: () => {} });
    edgeUrl = `http://127.0.0.1:${listenPort}`;
    await waitForOk(`${edgeUrl}/api/questions`, edge, 10_000); // passed through: the cache stays cold
  });

  after(async () => {
    await edge?.stop('SIGTERM', 5_000);
    await service?.stop('SIGTERM', 15_000);
    await database?.close();
    await scratch?.drop();
    if (prefix) rmSync(prefix, { recursive: true, force: true });
    console.log(
      `      edge cache figures: ${seen.HIT} hits, ${seen.MISS} misses, ${seen.EXPIRED} expired, ` +
        `${seen.uncached} passed through uncached`,
    );
  });

  it('serves the index and static files to a second visitor from the cache, without a cookie', async () => {
    const [first, second] = [visitor(), visitor()];
    const indexA = await first.get('/polls/?utm=ignored').expect(200);
    const indexB = await second.get('/polls/').expect(200);
    assert.equal(cacheStatus(indexA.headers), 'MISS');
    assert.equal(cacheStatus(indexB.headers), 'HIT', 'the query string is not part of the key');
    assert.equal(indexB.text, indexA.text);
    for (const response of [indexA, indexB]) assert.equal(response.headers['set-cookie'], undefined);

    const stylesheet = /href="(\/static\/polls\.[0-9a-f]+\.css)"/.exec(indexA.text)?.[1];
    assert.ok(stylesheet, 'the index links its fingerprinted stylesheet');
    assert.equal(cacheStatus((await first.get(stylesheet).expect(200)).headers), 'MISS');
    const again = await second.get(stylesheet).expect(200);
    assert.equal(cacheStatus(again.headers), 'HIT');
    assert.match(String(again.headers['cache-control']), /max-age=31536000, immutable/);
  });

  it('keeps one copy per compression, each with its own bytes', async () => {
    // The admin's stylesheet: large enough to be compressed, and not fetched by the test before.
    const loginPage = await rawRequest(`${edgeUrl}/admin/login`);
    const css = /href="(\/static\/admin\.[0-9a-f]+\.css)"/.exec(loginPage.bytes.toString())?.[1];
    assert.ok(css, 'the login page links its fingerprinted stylesheet');
    const url = `${edgeUrl}${css}`;
    const brotli = [
      await rawRequest(url, { headers: { 'Accept-Encoding': 'br' } }),
      await rawRequest(url, { headers: { 'Accept-Encoding': 'br' } }),
    ];
    const plain = [await rawRequest(url), await rawRequest(url)];
    assert.deepEqual(
      [...brotli, ...plain].map((response) => [
        response.headers['content-encoding'] ?? 'identity',
        cacheStatus(response.headers),
      ]),
      [
        ['br', 'MISS'],
        ['br', 'HIT'],
        ['identity', 'MISS'],
        ['identity', 'HIT'],
      ],
    );
    assert.ok(brotli[1]!.bytes.length < plain[1]!.bytes.length);
  });

  it("gives each visitor their own CSRF cookie and token on the detail page, never another's", async () => {
    const [first, second] = [visitor(), visitor()];
    const pages = [
      await first.get(`/polls/${question.id}/`).expect(200),
      await second.get(`/polls/${question.id}/`).expect(200),
    ];
    for (const page of pages) {
      assert.equal(cacheStatus(page.headers), 'uncached');
      assert.match(String(page.headers['cache-control']), /no-store/);
    }
    const cookies = pages.map((page) => String(page.headers['set-cookie']));
    assert.notEqual(cookies[0], cookies[1]);
    assert.notEqual(formToken(pages[0]!.text), formToken(pages[1]!.text));
    // A token is good only with its own visitor's cookie.
    await second
      .post(`/polls/${question.id}/vote/`)
      .type('form')
      .send({ csrf_token: formToken(pages[0]!.text), choice: String(question.choiceIds[0]) })
      .expect(403);
  });

  it('passes every vote through to the service, none answered from the cache', async () => {
    const before = await votesOf(database.knex, question.id);
    for (const person of [visitor(), visitor()]) {
      const page = await person.get(`/polls/${question.id}/`).expect(200);
      // The second is this browser's repeat: refused by the service, not by the cache.
      for (const status of [303, 409]) {
        const response = await person
          .post(`/polls/${question.id}/vote/`)
          .type('form')
          .send({ csrf_token: formToken(page.text), choice: String(question.choiceIds[0]) })
          .expect(status);
        assert.equal(cacheStatus(response.headers), 'uncached');
      }
    }
    const after = await votesOf(database.knex, question.id);
    assert.equal(after[0]! - before[0]!, 2);
  });

  it(`shows an editor's new question on the cached index within INDEX_EDGE_MAX_AGE_SECONDS (${indexEdgeSeconds} s)`, async () => {
    const reader = visitor();
    await reader.get('/polls/').expect(200);
    assert.equal(cacheStatus((await reader.get('/polls/').expect(200)).headers), 'HIT');

    const editor = visitor();
    assert.equal((await submitLogin(editor, {})).status, 303);
    const form = await editor.get('/admin/questions/new').expect(200);
    assert.equal(cacheStatus(form.headers), 'uncached');
    const saved = await editor
      .post('/admin/questions/new')
      .type('form')
      .send({
        csrf_token: formToken(form.text),
        question_text: 'Added behind the edge?',
        pub_date: '2020-01-01T00:00',
        'choices[0][text]': 'Yes',
      })
      .expect(303);
    const savedAt = Date.now();
    assert.equal(cacheStatus(saved.headers), 'uncached');

    let shown = false;
    while (!shown && Date.now() - savedAt <= (indexEdgeSeconds + 1) * 1000) {
      const index = await reader.get('/polls/').expect(200);
      cacheStatus(index.headers);
      shown = index.text.includes('Added behind the edge?');
      if (!shown) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(shown, `the index showed the new question within ${indexEdgeSeconds + 1} s of the save`);
  });

  it('never serves a question as open on the cached index once it has closed', async () => {
    const closing = await createQuestion(database.knex, 'Closing at the edge?', -0.001);
    // A few seconds ahead by the database's clock: the edge keeps the index up to indexEdgeSeconds meanwhile.
    await database
      .knex('questions')
      .where({ id: closing.id })
      .update({ closes_at: database.knex.raw(`now() + interval '4 seconds'`) });
    const shownClosed = new RegExp(
      `Closing at the edge\\?</a>\\s*<time[^>]*>[^<]*</time>\\s*<span class="closed">Closed</span>`,
    );
    const reader = visitor();
    const seenAs: string[] = [];
    for (let attempt = 0; attempt < 60 && !seenAs.includes('closed'); attempt++) {
      const { rows } = await database.knex.raw<{ rows: { closed: boolean }[] }>(
        'select closes_at <= now() as closed from questions where id = ?',
        [closing.id],
      );
      const index = await reader.get('/polls/').expect(200);
      const status = cacheStatus(index.headers);
      // Absent while the edge still serves the index of before the question was added.
      const shown = !index.text.includes('Closing at the edge?')
        ? 'absent'
        : shownClosed.test(index.text)
          ? 'closed'
          : 'open';
      if (rows[0]!.closed) assert.equal(shown, 'closed', `served open after closing (${status})`);
      seenAs.push(shown);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    assert.ok(seenAs.includes('open'));
    assert.equal(seenAs.at(-1), 'closed');
  });

  it('answers the root with the redirect to the index at the edge', async () => {
    const root = await visitor().get('/').expect(302);
    assert.equal(root.headers.location, '/polls/');
    assert.equal(cacheStatus(root.headers), 'uncached');
  });

  it('refuses the health and metrics paths at the edge', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) await visitor().get(path).expect(404);
  });
});
