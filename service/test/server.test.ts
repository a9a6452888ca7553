import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { text } from 'node:stream/consumers';
import Koa from 'koa';
import { clientTimeouts, listen, type RunningServer } from '../src/server.js';
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
        // Any statement of this database waiting for a lock: pg_stat_activity shows only the first 1,024 bytes
        // of a query (track_activity_query_size), which the vote's statement outgrows.
        `select 1 from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
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

describe('slow and numerous clients (a real socket)', function () {
  this.timeout(30_000);
  let running: RunningServer;

  before(async () => {
    const app = new Koa();
    // Reads the whole body before answering, as the body parser does.
    app.use(async (ctx) => {
      ctx.body = `read ${(await text(ctx.req)).length} characters`;
    });
    running = await listen(app, 0, '127.0.0.1', { maxConnections: 3 });
  });
  after(() => running.close(0));

  const open = async (): Promise<Socket> => {
    const socket = connect(Number(new URL(running.url).port), '127.0.0.1');
    await once(socket, 'connect');
    return socket;
  };
  /** Milliseconds until the server ends the connection, and what it said before. */
  const untilClosed = async (socket: Socket, started: number) => {
    let said = '';
    socket.on('data', (chunk: Buffer) => (said += chunk.toString()));
    await once(socket, 'close');
    return { afterMs: Date.now() - started, said };
  };

  it('cuts a request whose body trickles in, within the request timeout and one check, and one whose headers do within the headers timeout', async () => {
    const started = Date.now();
    const slowBody = await open();
    slowBody.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n');
    const trickle = setInterval(() => slowBody.write('a'), 500);
    const slowHeaders = await open();
    slowHeaders.write('GET / HTTP/1.1\r\n');
    const headerTrickle = setInterval(() => slowHeaders.write('X-A: b\r\n'), 500);
    try {
      const [body, headers] = await Promise.all([
        untilClosed(slowBody, started),
        untilClosed(slowHeaders, started),
      ]);
      const margin = clientTimeouts.checkEveryMs + 1_500;
      assert.ok(
        body.afterMs <= clientTimeouts.requestMs + margin,
        `the body was cut after ${body.afterMs} ms`,
      );
      assert.ok(
        body.afterMs >= clientTimeouts.requestMs - 100,
        `the body was cut early, after ${body.afterMs} ms`,
      );
      assert.match(body.said, /^HTTP\/1\.1 408/);
      assert.ok(
        headers.afterMs <= clientTimeouts.headersMs + margin,
        `the headers were cut after ${headers.afterMs} ms`,
      );
      assert.match(headers.said, /^HTTP\/1\.1 408/);
    } finally {
      clearInterval(trickle);
      clearInterval(headerTrickle);
      slowBody.destroy();
      slowHeaders.destroy();
    }
  });

  it('closes connections beyond its maximum at once and keeps serving the others', async () => {
    const sockets = await Promise.all([open(), open(), open()]);
    try {
      const extra = await open();
      const { afterMs } = await untilClosed(extra, Date.now());
      assert.ok(afterMs < 1_000, `the extra connection stayed open ${afterMs} ms`);
      sockets[0]!.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      const [answer] = (await once(sockets[0]!, 'data')) as [Buffer];
      assert.match(answer.toString(), /^HTTP\/1\.1 200/);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });
});
