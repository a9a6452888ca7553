import assert from 'node:assert/strict';
import supertest from 'supertest';
import { metricsApp } from '../../src/metrics/metrics-server.js';
import { appOnDatabase } from '../support/app.js';
import { databaseTargets } from '../support/databases.js';
import { createQuestion } from '../support/fixtures.js';

/** The value of one series in Prometheus text output, or undefined when the series is absent. */
function sample(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

for (const target of databaseTargets) {
  describe(`/metrics on the internal port, on ${target.name}`, () => {
    const suite = appOnDatabase(target);
    const client = () => supertest(suite.app.callback());
    const metricsClient = () => supertest(metricsApp(suite.metrics).callback());
    const scrape = async () => {
      const response = await metricsClient()
        .get('/metrics')
        .expect(200)
        .expect('Content-Type', /text\/plain/);
      return response.text;
    };
    const vote = (questionId: number, choiceId: number) =>
      client()
        .post(`/api/questions/${questionId}/votes`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ choiceId }));

    it('times requests by route template and status, never by raw path', async () => {
      const question = await createQuestion(suite.db.knex, 'Timed?', -1);
      const before = await scrape();
      const series = 'http_request_duration_seconds_count{method="GET",route="/polls/:id/",status="200"}';
      await client().get(`/polls/${question.id}/`).expect(200);
      await client().get(`/polls/${question.id}/`).expect(200);
      await client().get('/no/such/page').expect(404);
      const after = await scrape();
      assert.equal((sample(after, series) ?? 0) - (sample(before, series) ?? 0), 2);
      assert.ok(
        (sample(after, 'http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}') ??
          0) >= 1,
      );
      assert.ok(!after.includes(`/polls/${question.id}/`), 'a concrete path leaked into a label');
    });

    it('labels the index by its route, with or without a query string, and refuses other methods on it', async () => {
      const before = await scrape();
      await client().get('/polls/').expect(200);
      await client().get('/polls/?page=1').expect(200);
      await client().post('/polls/').expect(405);
      const after = await scrape();
      const delta = (series: string) => (sample(after, series) ?? 0) - (sample(before, series) ?? 0);
      assert.equal(
        delta('http_request_duration_seconds_count{method="GET",route="/polls/",status="200"}'),
        2,
      );
      assert.equal(
        delta('http_request_duration_seconds_count{method="POST",route="unmatched",status="405"}'),
        1,
      );
    });

    it('labels methods outside the usual few as "other", so clients cannot add series at will', async () => {
      const series = 'http_request_duration_seconds_count{method="other",route="unmatched",status="405"}';
      const before = await scrape();
      await client().propfind('/polls/');
      await client().purge('/polls/');
      const after = await scrape();
      assert.equal((sample(after, series) ?? 0) - (sample(before, series) ?? 0), 2);
      assert.ok(!/method="(PROPFIND|PURGE)"/.test(after), 'a client-chosen method leaked into a label');
    });

    it('counts votes by outcome', async () => {
      const question = await createQuestion(suite.db.knex, 'Counted?', -1);
      const counted = 'polls_votes_total{outcome="counted"}';
      const refused = 'polls_votes_total{outcome="choice-not-found"}';
      const before = await scrape();
      await vote(question.id, question.choiceIds[0]!).expect(201);
      await vote(question.id, question.choiceIds[1]!).expect(201);
      await vote(question.id, 999_999).expect(422);
      const after = await scrape();
      assert.equal((sample(after, counted) ?? 0) - (sample(before, counted) ?? 0), 2);
      assert.equal((sample(after, refused) ?? 0) - (sample(before, refused) ?? 0), 1);
    });

    it('counts committed vote transactions and the votes in them, so the average batch can be told', async () => {
      const question = await createQuestion(suite.db.knex, 'Grouped?', -1);
      const before = await scrape();
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => vote(question.id, question.choiceIds[0]!)),
      );
      assert.deepEqual(new Set(responses.map((response) => response.status)), new Set([201]));
      const after = await scrape();
      const delta = (series: string) => (sample(after, series) ?? 0) - (sample(before, series) ?? 0);
      assert.equal(delta('polls_vote_batched_votes_total'), 20);
      const batches = delta('polls_vote_batches_total');
      assert.ok(batches >= 1 && batches <= 20, `${batches} batches for 20 votes`);
    });

    it('reports the database pool and the process', async () => {
      await client().get('/polls/').expect(200);
      const exposition = await scrape();
      const used = sample(exposition, 'db_pool_connections_used');
      const free = sample(exposition, 'db_pool_connections_free');
      assert.ok(used !== undefined && free !== undefined, 'pool gauges missing');
      assert.ok(used + free >= 1, 'the query just made left no connection in the pool');
      assert.equal(sample(exposition, 'db_pool_pending_acquires'), 0);
      assert.ok((sample(exposition, 'process_resident_memory_bytes') ?? 0) > 0);
      assert.ok(sample(exposition, 'nodejs_eventloop_lag_seconds') !== undefined);
    });

    it('is never cached', async () => {
      await metricsClient().get('/metrics').expect(200).expect('Cache-Control', 'no-store');
    });

    it('is not served by the public app', async () => {
      await client().get('/metrics').expect(404);
    });

    it('answers nothing but GET /metrics on the internal port', async () => {
      await metricsClient().get('/').expect(404);
      await metricsClient().post('/metrics').expect(405).expect('Allow', /GET/);
    });
  });
}
