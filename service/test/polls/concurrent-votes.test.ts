import assert from 'node:assert/strict';
import { listen, type RunningServer } from '../../src/server.js';
import { describeOnServer, serverTarget, type TestDatabase } from '../support/databases.js';
import { testApp } from '../support/app.js';
import { createQuestion, votesOf } from '../support/fixtures.js';

const totalVotes = 1000;
const concurrency = 64;

// Grouped (the default) and one transaction per vote (VOTE_BATCH_WINDOW_MS=0) must count the same.
for (const [mode, voteBatchWindowMs] of [
  ['grouped', 2],
  ['one transaction per vote', 0],
] as const) {
  describeOnServer(`concurrent votes on the PostgreSQL server, ${mode}`, () => {
    let db: TestDatabase;
    let server: RunningServer;

    before(async function () {
      this.timeout(60_000);
      db = await serverTarget.open();
      await db.reset();
      server = await listen(testApp(db, { voteBatchWindowMs }).app, 0, '127.0.0.1');
    });
    after(() => server.close(1000));

    it(`counts ${totalVotes} votes sent ${concurrency} at a time, exactly`, async function () {
      this.timeout(120_000);
      const question = await createQuestion(db.knex, 'Load?', -1, ['A', 'B']);
      const before = await votesOf(db.knex, question.id);
      let next = 0;
      const statuses: number[] = [];
      const worker = async () => {
        while (next < totalVotes) {
          const choiceId = question.choiceIds[next++ % 2];
          const response = await fetch(`${server.url}/api/questions/${question.id}/votes`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ choiceId }),
          });
          await response.arrayBuffer();
          statuses.push(response.status);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      assert.deepEqual(new Set(statuses), new Set([201]));
      const after = await votesOf(db.knex, question.id);
      assert.deepEqual(
        after.map((votes, index) => votes - before[index]!),
        [totalVotes / 2, totalVotes / 2],
      );
    });
  });
}
