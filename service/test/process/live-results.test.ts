import assert from 'node:assert/strict';
import { connectToServer } from '../../src/db/connect.js';
import type { Database } from '../../src/db/database.js';
import { runCommand } from '../support/commands.js';
import { postgresServer } from '../support/databases.js';
import { openStream, type StreamClient } from '../support/event-stream.js';
import { createQuestion, votesOf, type CreatedQuestion } from '../support/fixtures.js';
import { createScratchDatabase } from '../support/postgres-server.js';
import { startService, type ServiceProcess } from '../support/service-process.js';
import { waitFor } from '../support/wait.js';

describe('live results across two service processes on one PostgreSQL', function () {
  this.timeout(90_000);
  let scratch: { url: string; drop(): Promise<void> };
  let database: Database;
  let question: CreatedQuestion;
  const services: ServiceProcess[] = [];
  const streams: StreamClient[] = [];

  /** The PostgreSQL sessions listening for a process: their pids, once both channels are listened to. */
  const listenerPids = async (): Promise<number[]> => {
    const { rows } = await database.knex.raw<{ rows: { pid: number }[] }>(
      `select pid from pg_stat_activity where application_name = 'polls-listener' and datname = current_database()`,
    );
    return rows.map((row) => row.pid);
  };
  const serve = async () => {
    const service = await startService({ DATABASE_URL: scratch.url });
    services.push(service);
    return service;
  };
  const vote = async (service: ServiceProcess, choiceId: number) => {
    const response = await fetch(`${service.url}/api/questions/${question.id}/votes`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ choiceId }),
    });
    assert.equal(response.status, 201);
  };
  const stream = async (service: ServiceProcess) => {
    const client = await openStream(`${service.url}/api/questions/${question.id}/events`);
    streams.push(client);
    assert.equal(client.status, 200);
    await client.waitForCounts(() => true, 'the first counts');
    return client;
  };

  beforeEach(async () => {
    scratch = await createScratchDatabase((await postgresServer()).adminUrl, 'live');
    assert.equal((await runCommand('migrate', { DATABASE_URL: scratch.url })).code, 0);
    database = connectToServer(scratch.url);
    question = await createQuestion(database.knex, 'Live?', -1, ['Yes', 'No']);
  });
  afterEach(async () => {
    for (const client of streams.splice(0)) client.close();
    for (const service of services.splice(0)) {
      if (service.child.exitCode === null) service.child.kill('SIGKILL');
      await service.exited;
    }
    await database.close();
    await scratch.drop();
  });

  it('carries a vote cast through A to a stream of B within 1 s', async () => {
    const [a, b] = [await serve(), await serve()];
    const onB = await stream(b);
    const sent = Date.now();
    await vote(a, question.choiceIds[0]!);
    await onB.waitForCounts((counts) => counts.totalVotes === 1, 'the vote on B');
    const elapsed = Date.now() - sent;
    assert.ok(elapsed < 1_000, `the event took ${elapsed} ms`);
  });

  it("recovers B's streams with the right counts after B's listening sessions are terminated", async () => {
    const b = await serve();
    await waitFor(async () => (await listenerPids()).length === 2, "B's two listening sessions");
    const pidsOfB = await listenerPids();
    const a = await serve();
    const onB = await stream(b);

    await database.knex.raw('select pg_terminate_backend(pid) from unnest(?::int[]) as pid', [pidsOfB]);
    await vote(a, question.choiceIds[1]!); // while B may not be listening: its announcement can be lost
    await onB.waitForCounts((counts) => counts.totalVotes === 1, 'the vote cast while B was not listening');
    await waitFor(async () => (await listenerPids()).length === 4, 'B listening again');
    await vote(a, question.choiceIds[0]!);
    const latest = await onB.waitForCounts((counts) => counts.totalVotes === 2, 'the next vote');
    assert.deepEqual(
      latest.choices.map((choice) => choice.votes),
      await votesOf(database.knex, question.id),
    );
    const totals = onB.counts().map((counts) => counts.totalVotes);
    assert.deepEqual(
      totals,
      [...totals].sort((x, y) => x - y),
      'counts went backwards',
    );
  });

  it('ends its streams with a retry hint first on SIGTERM, and exits 0', async () => {
    const b = await serve();
    const clients = [await stream(b), await stream(b)];
    b.child.kill('SIGTERM');
    for (const client of clients) {
      await waitFor(() => client.ended, 'the stream ends');
      assert.ok(client.events.at(-1)!.retry! >= 2_000, 'ended with a retry hint');
    }
    assert.equal(await b.exited, 0);
  });
});
