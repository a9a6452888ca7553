import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { connectToServer } from '../../src/db/connect.js';
import { freePort } from '../support/postgres-server.js';

describe('a database connection with a logger', () => {
  it("writes Knex's reports of an unreachable server as JSON log lines, once a kind, without the password", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().trim().split('\n'));
        done();
      },
    });
    const port = await freePort(); // nothing listens there
    const database = connectToServer(`postgres://polls:secret-password@127.0.0.1:${port}/polls`, {
      databaseSsl: 'disable',
      databasePoolMax: 1,
      logger: pino({ level: 'warn' }, sink),
    });
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        await assert.rejects(database.knex.raw('select 1'), /ECONNREFUSED/);
      }
    } finally {
      await database.close();
    }
    const reports = lines.map((line) => JSON.parse(line) as { source?: string; level: number; msg: string });
    assert.ok(reports.length > 0, 'Knex reported the failed connection');
    for (const report of reports) {
      assert.equal(report.source, 'knex');
      assert.ok(report.level >= 40, `level ${report.level} is warn or above`);
    }
    const refused = reports.filter((report) => /ECONNREFUSED/.test(report.msg));
    // Five failed connections alike: the first is written, the other four held back for one summary line.
    assert.equal(refused.length, 1, JSON.stringify(refused));
    assert.doesNotMatch(lines.join('\n'), /secret-password/);
  });
});
