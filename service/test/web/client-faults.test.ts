import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { listen, type RunningServer } from '../../src/server.js';
import { testApp } from '../support/app.js';
import { databaseTargets, type TestDatabase } from '../support/databases.js';
import { createQuestion } from '../support/fixtures.js';
import { waitFor } from '../support/wait.js';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly code?: string;
}

const faults = (lines: readonly LogLine[]) => lines.filter((line) => line.msg.startsWith('client fault'));

/** Every line the app logs, parsed, at every level. */
function capturedLogger() {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
      done();
    },
  });
  return { lines, logger: pino({ level: 'trace' }, destination) };
}

const errorLevel = 50;
const infoLevel = 30;

// The first database target is enough: what is logged does not depend on the database.
const target = databaseTargets[0]!;

describe('a client that is slow or hangs up is no error of the service (real sockets)', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  let running: RunningServer;

  before(async () => {
    db = await target.open();
  });
  afterEach(() => running.close(100));

  it('logs a body slower than the request timeout (408) and a hang-up at info, never at error', async () => {
    const question = await createQuestion(db.knex, 'Slow?', -1);
    const { lines, logger } = capturedLogger();
    running = await listen(testApp(db, { logger }).app, 0, '127.0.0.1');
    const port = Number(new URL(running.url).port);

    const slow = connect(port, '127.0.0.1');
    slow.write(
      `POST /api/questions/${question.id}/votes HTTP/1.1\r\nHost: polls\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"choiceId"',
    );
    let said = '';
    slow.on('data', (chunk: Buffer) => (said += chunk.toString()));
    await once(slow, 'close');
    assert.match(said, /^HTTP\/1\.1 408/);

    const gone = connect(port, '127.0.0.1');
    gone.write(
      `POST /api/questions/${question.id}/votes HTTP/1.1\r\nHost: polls\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"choiceId"',
    );
    await waitFor(() => lines.length > 0 || gone.bytesWritten > 0, 'the request is sent');
    gone.resetAndDestroy();

    await waitFor(() => faults(lines).length === 2, 'both faults are logged');
    assert.deepEqual(
      lines.filter((line) => line.level >= errorLevel),
      [],
      'no error-level line',
    );
    const [tooSlow, hungUp] = faults(lines);
    assert.deepEqual(tooSlow, { ...tooSlow, level: infoLevel, code: 'ERR_HTTP_REQUEST_TIMEOUT' });
    // Which of the two Node reports depends on where the reset finds the request.
    assert.ok(['ECONNRESET', 'HPE_INVALID_EOF_STATE'].includes(hungUp!.code!), `hang-up: ${hungUp!.code}`);
    assert.equal(hungUp!.level, infoLevel);
  });
});
