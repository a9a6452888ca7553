import assert from 'node:assert/strict';
import type Koa from 'koa';
import pino from 'pino';
import supertest from 'supertest';
import { connectToServer } from '../../src/db/connect.js';
import type { Database } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrator.js';
import { testApp } from '../support/app.js';
import { createQuestion, votesOf, type CreatedQuestion } from '../support/fixtures.js';
import { describeOnServer } from '../support/databases.js';
import { createScratchDatabase } from '../support/postgres-server.js';
import { startStoppablePostgres, type StoppablePostgres } from '../support/stoppable-postgres.js';

/** The pool gives up on a connection after 5 s (src/db/connect.ts); a request must not wait longer. */
const failFastMs = 6_000;

describeOnServer('when PostgreSQL goes away and comes back', function () {
  this.timeout(90_000);
  let postgres: StoppablePostgres;
  let database: Database;
  let app: Koa;
  let question: CreatedQuestion;
  const logLines: { msg: string; err?: { stack?: string }; checks?: { database: string } }[] = [];

  before(async () => {
    postgres = await startStoppablePostgres();
    const scratch = await createScratchDatabase(postgres.adminUrl, 'faults');
    // The app's and Knex's lines alike, as in the service, where they share one logger.
    const logger = pino({ level: 'warn' }, { write: (line: string) => logLines.push(JSON.parse(line)) });
    database = connectToServer(scratch.url, { databaseSsl: 'disable', databasePoolMax: 10, logger });
    await migrateToLatest(database.knex, { serialise: false });
    app = testApp(database, { logger }).app;
    question = await createQuestion(database.knex, 'Still there?', -1);
  });
  after(async () => {
    await database?.close();
    await postgres?.destroy();
  });

  const client = () => supertest(app.callback());
  const vote = () =>
    client()
      .post(`/api/questions/${question.id}/votes`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ choiceId: question.choiceIds[0] }));

  /** Sends a request and checks it was answered within the fail-fast bound. */
  async function answeredQuickly(send: () => supertest.Test): Promise<supertest.Response> {
    const started = Date.now();
    const response = await send();
    const waitedMs = Date.now() - started;
    assert.ok(waitedMs < failFastMs, `the request waited ${waitedMs} ms`);
    return response;
  }

  it('serves normally before the fault', async () => {
    await vote().expect(201);
    await client().get('/readyz').expect(200);
  });

  it('answers 503 fast while the server is down, without crashing', async () => {
    await postgres.stop();
    const page = await answeredQuickly(() => client().get('/polls/'));
    assert.equal(page.status, 503);
    assert.equal(page.headers['retry-after'], '5');
    const api = await answeredQuickly(vote);
    assert.equal(api.status, 503);
    assert.match(api.body.error, /unavailable/i);
    const ready = await answeredQuickly(() => client().get('/readyz'));
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body, { status: 'not ready' });
    const notReady = logLines.find((line) => line.msg === 'not ready');
    assert.match(notReady?.checks?.database ?? '', /^unavailable/);
    await client().get('/healthz').expect(200);
  });

  it('logs the outage once with its stack, not once per refused request', async () => {
    for (let i = 0; i < 5; i++) await client().get('/polls/').expect(503);
    const outage = logLines.filter((line) => line.msg === 'database unavailable');
    assert.equal(outage.length, 1, JSON.stringify(outage));
    assert.match(outage[0]!.err?.stack ?? '', /ECONNREFUSED/);
  });

  it('recovers by itself once the server is back, counting new votes exactly once', async () => {
    await postgres.start();
    const deadline = Date.now() + 15_000;
    let ready = await client().get('/readyz');
    while (ready.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      ready = await client().get('/readyz');
    }
    assert.equal(ready.status, 200, `still not ready: ${JSON.stringify(ready.body)}`);
    await client().get('/polls/').expect(200);
    await vote().expect(201);
    // One vote before the outage, none while it lasted (all were refused with 503), one after.
    assert.deepEqual(await votesOf(database.knex, question.id), [2, 0]);
  });
});
