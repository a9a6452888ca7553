import assert from 'node:assert/strict';
import pino from 'pino';
import { listen, type RunningServer } from '../../../src/server.js';
import { rawRequest } from '../../support/raw-request.js';
import { testApp, type TestAppSettings } from '../../support/app.js';
import { databaseTargets, type TestDatabase } from '../../support/databases.js';
import { openStream, type StreamClient } from '../../support/event-stream.js';
import { createQuestion } from '../../support/fixtures.js';
import { waitFor } from '../../support/wait.js';

const paths = {
  page: (id: number | string) => `/polls/${id}/results/events`,
  api: (id: number | string) => `/api/questions/${id}/events`,
};

for (const target of databaseTargets) {
  describe(`live results streams on ${target.name}`, () => {
    let db: TestDatabase;
    const running: RunningServer[] = [];
    const streams: StreamClient[] = [];

    /** The app on a socket (streams need one), with its settings and a way to start draining. */
    const serve = async (settings: TestAppSettings = {}) => {
      const { app, readiness, metrics } = testApp(db, { maxStreams: 100, ...settings });
      const server = await listen(app, 0, '127.0.0.1');
      running.push(server);
      // The series the internal metrics port serves (bin/serve.ts), read without that second server.
      const scrape = () => metrics.registry.metrics();
      return { url: server.url, readiness, scrape };
    };
    const stream = async (url: string, headers: Record<string, string> = {}) => {
      const client = await openStream(url, headers);
      streams.push(client);
      return client;
    };
    const vote = async (url: string, questionId: number, choiceId: number) => {
      const response = await fetch(`${url}/api/questions/${questionId}/votes`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ choiceId }),
      });
      assert.equal(response.status, 201);
    };

    before(async function () {
      this.timeout(60_000);
      db = await target.open();
    });
    beforeEach(() => db.reset());
    afterEach(async () => {
      for (const client of streams.splice(0)) client.close();
      for (const server of running.splice(0)) await server.close(100);
    });

    it('answers 404 on both paths unless the question is published, as the pages do', async () => {
      const { url } = await serve();
      const future = await createQuestion(db.knex, 'Future?', 1);
      const empty = await createQuestion(db.knex, 'No choices?', -1, []);
      for (const id of [future.id, empty.id, 9999, 'abc']) {
        const page = await fetch(url + paths.page(id));
        assert.equal(page.status, 404, `page stream of ${id}`);
        assert.match(await page.text(), /Poll not found/);
        const api = await fetch(url + paths.api(id));
        assert.equal(api.status, 404, `API stream of ${id}`);
        assert.deepEqual(await api.json(), { error: 'Question not found.' });
      }
    });

    it('opens with a retry hint and the counts of the moment, as an event stream no proxy may buffer or keep', async () => {
      const { url } = await serve();
      const question = await createQuestion(db.knex, 'Tea or coffee?', -1, ['Tea', 'Coffee']);
      await db.knex('choices').where({ id: question.choiceIds[1] }).update({ votes: 3 });
      await db.knex('choices').where({ id: question.choiceIds[0] }).update({ votes: 1 });
      const client = await stream(url + paths.page(question.id));
      assert.equal(client.status, 200);
      assert.equal(client.headers['content-type'], 'text/event-stream; charset=utf-8');
      assert.equal(client.headers['x-accel-buffering'], 'no');
      assert.equal(client.headers['cache-control'], 'no-store, no-transform');
      assert.equal(client.headers.connection, 'close');
      const counts = await client.waitForCounts(() => true, 'the first counts event');
      assert.deepEqual(counts, {
        questionId: question.id,
        totalVotes: 4,
        choices: [
          { id: question.choiceIds[0], votes: 1, percent: 25 },
          { id: question.choiceIds[1], votes: 3, percent: 75 },
        ],
      });
      assert.equal(client.events[0]!.retry, 2000);
      assert.match(client.events[1]!.id ?? '', /^[\w-]{16}$/);
    });

    it('sends shares that add up to 100, as the results page shows them: 34, 33 and 33 for three equal choices', async () => {
      const { url } = await serve();
      const question = await createQuestion(db.knex, 'Three ways?', -1, ['A', 'B', 'C']);
      await db.knex('choices').whereIn('id', question.choiceIds).update({ votes: 1 });
      const client = await stream(url + paths.api(question.id));
      const counts = await client.waitForCounts(() => true, 'the first counts event');
      assert.deepEqual(
        counts.choices.map((choice) => choice.percent),
        [34, 33, 33],
      );
    });

    it('sends every stream of the question the same bytes after a vote, on the page path and the API path', async () => {
      const { url } = await serve();
      const question = await createQuestion(db.knex, 'Red or blue?', -1, ['Red', 'Blue']);
      const other = await createQuestion(db.knex, 'Other?', -1);
      const page = await stream(url + paths.page(question.id));
      const api = await stream(url + paths.api(question.id));
      const bystander = await stream(url + paths.api(other.id));
      for (const client of [page, api, bystander]) await client.waitForCounts(() => true, 'first counts');

      await vote(url, question.id, question.choiceIds[1]!);
      for (const client of [page, api]) {
        await client.waitForCounts((counts) => counts.totalVotes === 1, 'the vote on the stream');
      }
      const lastEvent = (client: StreamClient) => client.text.trimEnd().split('\n\n').at(-1);
      assert.equal(lastEvent(page), lastEvent(api));
      assert.deepEqual(
        page
          .counts()
          .at(-1)!
          .choices.map((choice) => choice.votes),
        [0, 1],
      );
      assert.equal(bystander.counts().length, 1, 'a stream of another question was sent the vote');
    });

    it('resumes with Last-Event-ID: the latest id is not sent again, an older one gets the counts of now', async () => {
      const { url } = await serve();
      const question = await createQuestion(db.knex, 'Resume?', -1);
      const first = await stream(url + paths.api(question.id));
      await first.waitForCounts(() => true, 'first counts');
      const latestId = first.events.find((event) => event.event === 'counts')!.id!;

      const resumed = await stream(url + paths.api(question.id), { 'Last-Event-ID': latestId });
      const stale = await stream(url + paths.api(question.id), { 'Last-Event-ID': 'an-older-id' });
      await stale.waitForCounts((counts) => counts.totalVotes === 0, 'the counts of now on a stale id');
      await vote(url, question.id, question.choiceIds[0]!);
      await resumed.waitForCounts((counts) => counts.totalVotes === 1, 'the next vote');
      assert.deepEqual(
        resumed.counts().map((counts) => counts.totalVotes),
        [1],
        'the counts it had were sent again',
      );
    });

    it('answers 503 with Retry-After beyond MAX_STREAMS, and takes a stream again once one closed', async () => {
      const { url, scrape } = await serve({ maxStreams: 1 });
      const question = await createQuestion(db.knex, 'Full?', -1);
      const first = await stream(url + paths.page(question.id));
      const refused = await fetch(url + paths.api(question.id));
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get('retry-after'), '5');
      const metrics = await scrape();
      assert.match(metrics, /^polls_live_streams_open 1$/m);
      assert.match(metrics, /^polls_live_streams_refused_total\{reason="full"\} 1$/m);

      first.close();
      await waitFor(
        async () => /^polls_live_streams_open 0$/m.test(await scrape()),
        'the closed stream is forgotten',
      );
      assert.equal((await stream(url + paths.api(question.id))).status, 200);
    });

    it('answers 429 with Retry-After to an address past MAX_STREAMS_PER_ADDRESS, while another address still opens a stream and sees a vote arrive', async () => {
      // Behind one proxy: the client is the last X-Forwarded-For entry, as the service determines it.
      const { url, scrape } = await serve({ maxStreamsPerAddress: 2, trustProxyHops: 1 });
      const question = await createQuestion(db.knex, 'Fair share?', -1);
      const from = (address: string) => ({ 'X-Forwarded-For': address });
      for (let i = 0; i < 2; i++)
        assert.equal((await stream(url + paths.api(question.id), from('203.0.113.9'))).status, 200);
      const refused = await fetch(url + paths.page(question.id), { headers: from('203.0.113.9') });
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('retry-after'), '5');
      assert.deepEqual(await refused.json(), {
        error: 'Too many live results are open from your address; try again in a few seconds.',
      });

      const other = await stream(url + paths.page(question.id), from('198.51.100.4'));
      assert.equal(other.status, 200);
      await other.waitForCounts((counts) => counts.totalVotes === 0, 'the first counts');
      await vote(url, question.id, question.choiceIds[0]!);
      await other.waitForCounts((counts) => counts.totalVotes === 1, 'the vote arrives');
      assert.match(await scrape(), /^polls_live_streams_refused_total\{reason="address"\} 1$/m);
    });

    it('logs one line when a stream ends: its request id, how long it lasted, the events written and why', async () => {
      const lines: Record<string, unknown>[] = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
      const { url } = await serve({ logger });
      const question = await createQuestion(db.knex, 'Logged?', -1);
      const client = await stream(url + paths.api(question.id));
      await client.waitForCounts(() => true, 'the first counts');
      client.close();
      await waitFor(() => lines.some((line) => line.msg === 'stream ended'), 'the end is logged');
      const ended = lines.find((line) => line.msg === 'stream ended')!;
      assert.equal(ended.requestId, client.headers['x-request-id']);
      assert.equal(ended.questionId, question.id);
      assert.equal(ended.eventsWritten, 1);
      assert.equal(ended.endedBy, 'client-left');
      assert.equal(typeof ended.durationMs, 'number');
    });

    it('answers HEAD with the headers of a stream and ends, holding no slot', async () => {
      const { url, scrape } = await serve({ maxStreams: 1 });
      const question = await createQuestion(db.knex, 'Head?', -1);
      for (const path of [paths.page(question.id), paths.api(question.id)]) {
        const head = await rawRequest(url + path, { method: 'HEAD' });
        assert.equal(head.status, 200);
        assert.equal(head.headers['content-type'], 'text/event-stream; charset=utf-8');
        assert.equal(head.headers['cache-control'], 'no-store, no-transform');
        assert.equal(head.bytes.length, 0);
      }
      assert.equal((await rawRequest(url + paths.page(9999), { method: 'HEAD' })).status, 404);
      const metrics = await scrape();
      assert.match(metrics, /^polls_live_streams_open 0$/m);
      assert.doesNotMatch(metrics, /^polls_live_streams_refused_total\{/m);
      assert.equal((await stream(url + paths.api(question.id))).status, 200, 'the one slot is still free');
    });

    it('ends every stream with a spread-out retry hint when draining starts, and refuses new ones', async () => {
      const { url, readiness } = await serve();
      const question = await createQuestion(db.knex, 'Drain?', -1);
      const clients = [
        await stream(url + paths.page(question.id)),
        await stream(url + paths.api(question.id)),
      ];
      for (const client of clients) await client.waitForCounts(() => true, 'first counts');
      readiness.startDraining();
      for (const client of clients) {
        await waitFor(() => client.ended, 'the stream ends');
        const hint = client.events.at(-1)!.retry!;
        assert.ok(hint >= 2000 && hint <= 5000, `retry hint ${hint}`);
      }
      const refused = await fetch(url + paths.page(question.id));
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get('retry-after'), '5');
    });

    it('ends the streams of a question that stops being published, whose clients then get 404', async () => {
      const { url } = await serve();
      const question = await createQuestion(db.knex, 'Withdrawn?', -1);
      const client = await stream(url + paths.page(question.id));
      await client.waitForCounts(() => true, 'first counts');
      await db
        .knex('questions')
        .where({ id: question.id })
        .update({ pub_date: new Date(Date.now() + 86_400_000) });
      await waitFor(() => client.ended, 'the stream ends');
      assert.equal((await fetch(url + paths.page(question.id))).status, 404);
    });

    it('ends the streams of a question at its closing time with the last counts and a closed event, and answers a closed one at once', async () => {
      const { url } = await serve();
      const question = await createQuestion(db.knex, 'Closing?', -1, ['A', 'B']);
      await db
        .knex('questions')
        .where({ id: question.id })
        .update({ closes_at: db.knex.raw(`now() + interval '1 second'`) });
      const watching = await stream(url + paths.page(question.id));
      await watching.waitForCounts((counts) => counts.totalVotes === 0, 'the counts of the moment');
      await vote(url, question.id, question.choiceIds[0]!);
      await waitFor(() => watching.ended, 'the stream ends at the closing time');
      assert.equal(watching.counts().at(-1)!.totalVotes, 1);
      const last = watching.events.at(-1)!;
      assert.equal(last.event, 'closed');
      assert.equal(JSON.parse(last.data!).questionId, question.id);

      const late = await stream(url + paths.api(question.id));
      await waitFor(() => late.ended, 'a stream of a closed question ends at once');
      assert.equal(late.status, 200);
      assert.deepEqual(
        late.events.map((event) => event.event),
        ['counts', 'closed'],
      );
      const lastId = late.events[0]!.id!;
      const back = await fetch(url + paths.api(question.id), { headers: { 'Last-Event-ID': lastId } });
      assert.equal(back.status, 204, 'a client holding the last counts is told to stop reconnecting');
    });
  });
}
