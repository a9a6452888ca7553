import assert from 'node:assert/strict';
import type Koa from 'koa';
import pino from 'pino';
import supertest from 'supertest';
import { databaseTargets, type TestDatabase } from '../support/databases.js';
import { testApp } from '../support/app.js';

describe('site-wide behaviour', () => {
  let db: TestDatabase;
  let app: Koa;

  before(async function () {
    this.timeout(60_000);
    db = await databaseTargets[0]!.open();
    app = testApp(db).app;
  });

  const get = (path: string) => supertest(app.callback()).get(path);

  it('sends security headers: a CSP without inline scripts, no framing, nosniff, a referrer policy', async () => {
    const response = await get('/polls/').expect(200);
    const csp = response.headers['content-security-policy'] as string;
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers['referrer-policy'], 'same-origin');
    assert.equal(response.headers['strict-transport-security'], undefined);
  });

  it('links the stylesheet by a fingerprinted URL served as immutable for a year', async () => {
    const page = await get('/polls/').expect(200);
    const href = /<link rel="stylesheet" href="(\/static\/polls\.[0-9a-f]{12}\.css)">/.exec(page.text)?.[1];
    assert.ok(href, 'the page links a fingerprinted stylesheet');
    const css = await get(href)
      .expect(200)
      .expect('Content-Type', /text\/css/);
    assert.equal(css.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(css.text, /\.poll-list/);
  });

  it('serves a static file under its plain name with a short cache and revalidation', async () => {
    const css = await get('/static/polls.css').expect(200);
    assert.equal(css.headers['cache-control'], 'public, max-age=300');
    await get('/static/polls.css')
      .set('If-None-Match', css.headers.etag as string)
      .expect(304);
  });

  it('answers an unknown static file or path with a 404 page', async () => {
    await get('/static/nope.css').expect(404);
    const response = await get('/no/such/page').expect(404).expect('Content-Type', /html/);
    assert.match(response.text, /Page not found\./);
  });

  it('compresses large responses for clients that accept gzip', async () => {
    const response = await get('/static/polls.css').set('Accept-Encoding', 'gzip').expect(200);
    assert.equal(response.headers['content-encoding'], 'gzip');
  });

  it('returns the caller request id, or a new one', async () => {
    const given = await get('/healthz').set('X-Request-Id', 'abc-123').expect(200);
    assert.equal(given.headers['x-request-id'], 'abc-123');
    const generated = await get('/healthz').set('X-Request-Id', 'bad id with spaces').expect(200);
    assert.match(generated.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/);
  });
});

describe('health probes', () => {
  let db: TestDatabase;

  before(async function () {
    this.timeout(60_000);
    db = await databaseTargets[0]!.open();
  });

  it('/healthz answers 200 without touching anything', async () => {
    const { app } = testApp(db);
    const response = await supertest(app.callback()).get('/healthz').expect(200);
    assert.deepEqual(response.body, { status: 'ok' });
  });

  it('/readyz answers 200 when the database answers and the schema is current', async () => {
    const { app } = testApp(db);
    const response = await supertest(app.callback()).get('/readyz').expect(200);
    assert.deepEqual(response.body, { status: 'ready' });
  });

  it('/readyz answers 503 once the process is draining, telling why in the log alone', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const { app, readiness } = testApp(db, { logger });
    readiness.startDraining();
    const response = await supertest(app.callback()).get('/readyz').expect(503);
    assert.deepEqual(response.body, { status: 'not ready' });
    const notReady = lines
      .map((line) => JSON.parse(line) as { msg: string; checks?: { shutdown: string } })
      .find((line) => line.msg === 'not ready');
    assert.equal(notReady?.checks?.shutdown, 'draining');
  });
});
