import assert from 'node:assert/strict';
import { listen } from '../src/server.js';
import { testApp } from './support/app.js';
import { describeOnServer, serverTarget, type TestDatabase } from './support/databases.js';
import { createQuestion, votesOf } from './support/fixtures.js';
import { waitFor } from './support/wait.js';

describeOnServer('graceful drain (the steps src/bin/serve.ts takes on SIGTERM)', function () {
  this.timeout(60_000);
  let db: TestDatabase;

  before(async () => {
    db = await serverTarget.open();
  });
  beforeEach(() => db.reset());

  it('turns readiness 503, refuses new connections and lets an in-flight vote finish and count', async () => {
    const question = await createQuestion(db.knex, 'Drain?', -1);
    const { app, readiness } = testApp(db);
    const running = await listen(app, 0, '127.0.0.1');
    const choiceId = question.choiceIds[0]!;

    // Hold the choice's row lock so the vote stays in flight until we let it go.
    const lock = await db.knex.transaction();
    await lock('choices').where({ id: choiceId }).forUpdate().first();
    const inFlight = fetch(`${running.url}/api/questions/${question.id}/votes`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ choiceId }),
    });
    await waitFor(async () => {
      const { rows } = await db.knex.raw<{ rows: unknown[] }>(
        `select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like '%update choices%'`,
      );
      return rows.length > 0;
    }, 'the vote waits for the row lock');

    const readyBefore = await fetch(`${running.url}/readyz`);
    assert.equal(readyBefore.status, 200);
    readiness.startDraining();
    assert.equal((await readiness.check()).ready, false);
    const drainMs = 30_000;
    const closed = running.close(drainMs);
    await assert.rejects(fetch(`${running.url}/healthz`), 'a new connection was accepted while draining');

    await lock.commit();
    const response = await inFlight;
    assert.equal(response.status, 201);
    // The in-flight response carried `Connection: close`, so closing ends with it, not at the drain deadline.
    assert.equal(response.headers.get('connection'), 'close');
    const finishedEarly = await Promise.race([
      closed.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), drainMs / 3).unref()),
    ]);
    assert.ok(finishedEarly, 'the server waited for the drain deadline after its last request');
    assert.deepEqual(await votesOf(db.knex, question.id), [1, 0]);
  });
});
