import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import pino from 'pino';
import { listen, type RunningServer } from '../../src/server.js';
import { testApp } from '../support/app.js';
import { databaseTargets } from '../support/databases.js';
import { createQuestion } from '../support/fixtures.js';
import { waitFor } from '../support/wait.js';

const infoLevel = 30;

// What is logged does not depend on the database: the first target is enough. (A client that hangs up
// halfway through its body: request-bodies.test.ts.)
describe('a client slower than the request timeout, in the app (a real socket)', function () {
  this.timeout(30_000);
  let server: RunningServer;
  const lines: { level: number; msg: string; code?: string }[] = [];

  before(async function () {
    this.timeout(60_000);
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const db = await databaseTargets[0]!.open();
    await createQuestion(db.knex, 'Slow?', -1);
    server = await listen(testApp(db, { logger }).app, 0, '127.0.0.1');
  });
  after(() => server.close(0));

  it('is answered 408 by Node and logged at info as a client too slow, never at error', async () => {
    const slow = connect(Number(new URL(server.url).port), '127.0.0.1');
    slow.write(
      'POST /api/questions/1/votes HTTP/1.1\r\nHost: polls\r\n' +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"choiceId"',
    );
    let said = '';
    slow.on('data', (chunk: Buffer) => (said += chunk.toString()));
    await once(slow, 'close');
    assert.match(said, /^HTTP\/1\.1 408/);
    await waitFor(() => lines.some((line) => line.msg === 'client too slow'), 'the timeout is logged');
    assert.deepEqual(
      lines.filter((line) => line.level >= 40),
      [],
    );
    const logged = lines.find((line) => line.msg === 'client too slow')!;
    assert.equal(logged.level, infoLevel);
    assert.equal(logged.code, 'ERR_HTTP_REQUEST_TIMEOUT');
  });
});
