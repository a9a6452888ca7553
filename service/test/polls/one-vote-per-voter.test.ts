import assert from 'node:assert/strict';
import type Koa from 'koa';
import supertest from 'supertest';
import { databaseTargets, type TestDatabase } from '../support/databases.js';
import { formToken, testApp } from '../support/app.js';
import { CookieJar } from '../support/cookie-jar.js';
import { ballotsOf, createQuestion, votesOf } from '../support/fixtures.js';

for (const target of databaseTargets) {
  describe(`one vote per voter on ${target.name}, through two replicas`, function () {
    this.timeout(60_000);
    let db: TestDatabase;
    // Two app instances on one database: each has its own caches and its own vote batcher, as replicas do.
    let replicas: [Koa, Koa];

    before(async () => {
      db = await target.open();
      replicas = [testApp(db).app, testApp(db).app];
    });
    beforeEach(() => db.reset());

    /** A browser: its cookies, sent to whichever replica it reaches. */
    function newBrowser() {
      const jar = new CookieJar();
      const send = async (request: supertest.Test) => {
        const response = await request.set('Cookie', jar.header());
        jar.take(response.headers);
        return response;
      };
      return {
        jar,
        async voteByForm(replica: Koa, questionId: number, choiceId: number) {
          const form = await send(supertest(replica.callback()).get(`/polls/${questionId}/`));
          return send(
            supertest(replica.callback())
              .post(`/polls/${questionId}/vote/`)
              .type('form')
              .send({ csrf_token: formToken(form.text), choice: String(choiceId) }),
          );
        },
        voteByApi(replica: Koa, questionId: number, choiceId: number) {
          return send(
            supertest(replica.callback())
              .post(`/api/questions/${questionId}/votes`)
              .set('Content-Type', 'application/json')
              .send(JSON.stringify({ choiceId })),
          );
        },
        get: (replica: Koa, path: string) => send(supertest(replica.callback()).get(path)),
      };
    }

    it('counts a browser voting twice through two replicas once, and says so on the form and the API', async () => {
      const question = await createQuestion(db.knex, 'Once?', -1, ['A', 'B']);
      const [a, b] = question.choiceIds as [number, number];
      const voter = newBrowser();
      const first = await voter.voteByForm(replicas[0], question.id, a);
      assert.equal(first.status, 303);
      const setCookies = first.headers['set-cookie'] as unknown as string[];
      const voterCookie = setCookies.find((line) => line.startsWith('polls_voter='))!;
      assert.match(
        voterCookie,
        /^polls_voter=[0-9a-f-]{36}; path=\/; expires=[^;]+; samesite=lax; httponly$/,
      );
      // Long-lived: the 400 days browsers keep a cookie at most.
      const expires = new Date(/expires=([^;]+)/.exec(voterCookie)![1]!).getTime();
      assert.ok(expires > Date.now() + 399 * 24 * 60 * 60 * 1000);

      const again = await voter.voteByForm(replicas[1], question.id, b);
      assert.equal(again.status, 409);
      assert.match(again.text, /You have already voted in this poll\./);
      assert.match(again.text, new RegExp(`<a href="/polls/${question.id}/results/">See the results</a>`));
      const byApi = await voter.voteByApi(replicas[1], question.id, b);
      assert.equal(byApi.status, 409);
      assert.deepEqual(byApi.body, { error: 'You have already voted in this poll.' });

      assert.deepEqual(await votesOf(db.knex, question.id), [1, 0]);
      assert.equal((await ballotsOf(db.knex, question.id)).length, 1);
    });

    it('counts 50 parallel votes of one browser across two replicas once', async () => {
      const question = await createQuestion(db.knex, 'Rush?', -1, ['A', 'B']);
      const warmUp = await createQuestion(db.knex, 'Cookie?', -1, ['A']);
      const voter = newBrowser();
      // Its first vote, elsewhere, gives the browser its voter cookie.
      assert.equal((await voter.voteByApi(replicas[0], warmUp.id, warmUp.choiceIds[0]!)).status, 201);
      const statuses = await Promise.all(
        Array.from({ length: 50 }, async (_, index) => {
          const response = await voter.voteByApi(
            replicas[index % 2]!,
            question.id,
            question.choiceIds[index % 2]!,
          );
          return response.status;
        }),
      );
      assert.deepEqual(statuses.filter((status) => status === 201).length, 1);
      assert.deepEqual(statuses.filter((status) => status === 409).length, 49);
      const votes = await votesOf(db.knex, question.id);
      assert.equal(votes[0]! + votes[1]!, 1);
      assert.equal((await ballotsOf(db.knex, question.id)).length, 1);
    });

    it('counts 50 browsers voting at once across two replicas 50 times', async () => {
      const question = await createQuestion(db.knex, 'Crowd?', -1, ['A', 'B']);
      const statuses = await Promise.all(
        Array.from({ length: 50 }, async (_, index) => {
          const response = await newBrowser().voteByApi(
            replicas[index % 2]!,
            question.id,
            question.choiceIds[0]!,
          );
          return response.status;
        }),
      );
      assert.deepEqual(new Set(statuses), new Set([201]));
      assert.deepEqual(await votesOf(db.knex, question.id), [50, 0]);
      assert.equal((await ballotsOf(db.knex, question.id)).length, 50);
    });

    const forgeries: [string, (cookie: { name: string; value: string; signature: string }) => string][] = [
      ['an unsigned voter cookie', ({ name }) => `${name}=00000000-0000-4000-8000-000000000000`],
      [
        'a voter cookie with a changed value',
        ({ name, signature }) => `${name}=00000000-0000-4000-8000-000000000000; ${name}.sig=${signature}`,
      ],
      [
        'a voter cookie with a changed signature',
        ({ name, value, signature }) => `${name}=${value}; ${name}.sig=${signature.slice(1)}x`,
      ],
      ['a voter cookie that is no id', ({ name }) => `${name}=not-an-id; ${name}.sig=whatever`],
    ];
    for (const [label, forge] of forgeries) {
      it(`takes ${label} for a new browser, never an error`, async () => {
        const question = await createQuestion(db.knex, 'Forged?', -1, ['A']);
        const honest = newBrowser();
        const first = await honest.voteByApi(replicas[0], question.id, question.choiceIds[0]!);
        assert.equal(first.status, 201);
        const cookies = Object.fromEntries(
          honest.jar
            .header()
            .split('; ')
            .map((pair) => pair.split('=')),
        );
        const forged = forge({
          name: 'polls_voter',
          value: cookies.polls_voter!,
          signature: cookies['polls_voter.sig']!,
        });
        const response = await supertest(replicas[1].callback())
          .post(`/api/questions/${question.id}/votes`)
          .set('Content-Type', 'application/json')
          .set('Cookie', forged)
          .send(JSON.stringify({ choiceId: question.choiceIds[0] }));
        assert.equal(response.status, 201);
        assert.match(String(response.headers['set-cookie']), /polls_voter=[0-9a-f-]{36};/);
        assert.deepEqual(await votesOf(db.knex, question.id), [2]);
      });
    }

    it('marks the browser’s own choice on the results page, on either replica', async () => {
      const question = await createQuestion(db.knex, 'Mine?', -1, ['Tea', 'Coffee']);
      const voter = newBrowser();
      await voter.voteByForm(replicas[0], question.id, question.choiceIds[1]!);
      const results = await voter.get(replicas[1], `/polls/${question.id}/results/`);
      assert.match(
        results.text,
        /<li data-choice-id="\d+" class="own-choice">\s*<div class="result-label">\s*<span class="choice-text">Coffee<\/span>\s*<span class="own-choice-mark">Your vote<\/span>/,
      );
      assert.doesNotMatch(results.text, /Vote again\?/);
      const stranger = await newBrowser().get(replicas[1], `/polls/${question.id}/results/`);
      assert.doesNotMatch(stranger.text, /Your vote/);
    });

    it('under one vote per browser and address, refuses a second browser from the same address', async () => {
      const question = await createQuestion(db.knex, 'Per address?', -1, ['A']);
      await db
        .knex('questions')
        .where({ id: question.id })
        .update({ voting_rule: 'one-per-browser-and-address' });
      assert.equal(
        (await newBrowser().voteByApi(replicas[0], question.id, question.choiceIds[0]!)).status,
        201,
      );
      const second = await newBrowser().voteByApi(replicas[1], question.id, question.choiceIds[0]!);
      assert.equal(second.status, 409);
      assert.deepEqual(await votesOf(db.knex, question.id), [1]);
      const [ballot] = await db.knex('ballots').select<{ address_hash: Buffer }[]>('address_hash');
      // A keyed hash, never the address itself.
      assert.equal(ballot!.address_hash.length, 16);
      assert.doesNotMatch(ballot!.address_hash.toString('latin1'), /127\.0\.0\.1|::1/);
    });
  });
}
