import assert from 'node:assert/strict';
import supertest from 'supertest';
import { BallotCache } from '../../src/polls/ballot-cache.js';
import type { Question, QuestionRead } from '../../src/polls/polls-repository.js';
import { appOnDatabase } from '../support/app.js';
import { databaseTargets } from '../support/databases.js';
import { createQuestion } from '../support/fixtures.js';
import { appWithListener, deafListener, downListener, loadsCountedPerTest } from '../support/listeners.js';

for (const target of databaseTargets) {
  describe(`the ballot cache on ${target.name}`, function () {
    this.timeout(30_000);
    const suite = appOnDatabase(target);
    const get = (path: string) => supertest(suite.app.callback()).get(path).expect(200);
    // The reads of a whole published question: the ballot cache's loads.
    const counter = loadsCountedPerTest(suite, 'json_agg');

    it('answers the detail page from memory until someone else edits a choice text, then shows the edit', async () => {
      const question = await createQuestion(suite.db.knex, 'Kept?', -1, ['Tea', 'Coffee']);
      await get(`/polls/${question.id}/`);
      assert.match((await get(`/polls/${question.id}/`)).text, /Coffee/);
      assert.equal(counter.count, 1);

      // Not through this app: known only by its notification.
      await suite.db.knex('choices').where({ id: question.choiceIds[1] }).update({ choice_text: 'Cocoa' });
      const edited = (await get(`/polls/${question.id}/`)).text;
      assert.match(edited, /Cocoa/);
      assert.doesNotMatch(edited, /Coffee/);
      assert.equal(counter.count, 2);
    });

    it('shows each vote on the results page and in the API at once, the ballot still kept', async () => {
      const question = await createQuestion(suite.db.knex, 'Counted?', -1, ['Yes', 'No']);
      const api = () => supertest(suite.app.callback());
      await get(`/polls/${question.id}/`);
      for (let vote = 1; vote <= 3; vote++) {
        const response = await api()
          .post(`/api/questions/${question.id}/votes`)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ choiceId: question.choiceIds[0] }))
          .expect(201);
        assert.equal((response.body as Question).choices[0]!.votes, vote);
        assert.match((await get(`/polls/${question.id}/results/`)).text, new RegExp(`${vote} votes?`));
        assert.equal((await get(`/api/questions/${question.id}`)).body.choices[0].votes, vote);
      }
      assert.equal(counter.count, 1, 'votes never reload the ballot');
    });

    it('keeps no question that is not published, so a scheduled one shows when its time comes', async () => {
      const question = await createQuestion(suite.db.knex, 'Soon?', 0);
      await suite.db
        .knex('questions')
        .where({ id: question.id })
        .update({ pub_date: new Date(Date.now() + 1_000) });
      await supertest(suite.app.callback()).get(`/polls/${question.id}/`).expect(404);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      assert.match((await get(`/polls/${question.id}/`)).text, /Soon\?/);
    });

    it('is 404 on the results page once the question lost its choices, even while its ballot is kept', async () => {
      const question = await createQuestion(suite.db.knex, 'Emptied?', -1);
      const app = appWithListener(suite.db, deafListener);
      await supertest(app.callback()).get(`/polls/${question.id}/`).expect(200);
      await suite.db.knex('choices').where({ question_id: question.id }).delete();
      await supertest(app.callback()).get(`/polls/${question.id}/results/`).expect(404);
      await supertest(app.callback()).get(`/api/questions/${question.id}`).expect(404);
    });

    it('reads the database on every request while its listener is down', async () => {
      const question = await createQuestion(suite.db.knex, 'Unheard?', -1, ['Tea', 'Coffee']);
      const app = appWithListener(suite.db, downListener);
      await supertest(app.callback()).get(`/polls/${question.id}/`).expect(200);
      await suite.db.knex('choices').where({ id: question.choiceIds[1] }).update({ choice_text: 'Cocoa' });
      const response = await supertest(app.callback()).get(`/polls/${question.id}/`).expect(200);
      assert.match(response.text, /Cocoa/);
      assert.equal(counter.count, 2);
    });
  });
}

describe('BallotCache', () => {
  const question = (id: number, msUntilClose: number | null = null): QuestionRead => ({
    id,
    questionText: `Q${id}?`,
    pubDate: new Date(0),
    votingRule: 'one-per-browser',
    closesAt: null,
    closed: false,
    choices: [{ id: id * 10, choiceText: 'Yes', votes: 7 }],
    msUntilClose,
  });
  /** A source that counts its loads and answers when `release` is called. */
  function gatedSource(published = true) {
    const source = {
      loads: 0,
      release: () => {},
      async findPublished(id: number) {
        source.loads++;
        await new Promise<void>((resolve) => (source.release = resolve));
        return published ? question(id) : undefined;
      },
    };
    return source;
  }
  const listeningListener = () => {
    const subscribers: (() => void)[] = [];
    return {
      ...deafListener,
      subscribe: (callback: () => void) => subscribers.push(callback) && undefined,
      notify: () => subscribers.forEach((callback) => callback()),
    };
  };

  it('shares one load among concurrent requests and keeps no votes', async () => {
    const source = gatedSource();
    const cache = new BallotCache(source, deafListener);
    const both = Promise.all([cache.get(1), cache.get(1)]);
    await Promise.resolve();
    source.release();
    const [first, second] = await both;
    assert.equal(source.loads, 1);
    assert.equal(first, second);
    assert.deepEqual(first!.choices, [{ id: 10, choiceText: 'Yes' }]);
  });

  it('never keeps a load that began before an invalidation', async () => {
    const source = gatedSource();
    const listener = listeningListener();
    const cache = new BallotCache(source, listener);
    const early = cache.get(1);
    await Promise.resolve();
    listener.notify();
    source.release();
    await early;
    const late = cache.get(1);
    await Promise.resolve();
    source.release();
    await late;
    assert.equal(source.loads, 2);
  });

  it('keeps nothing for a question that is not published', async () => {
    const source = gatedSource(false);
    const cache = new BallotCache(source, deafListener);
    for (let attempt = 1; attempt <= 2; attempt++) {
      const answer = cache.get(1);
      await Promise.resolve();
      source.release();
      assert.equal(await answer, undefined);
    }
    assert.equal(source.loads, 2);
  });

  it('keeps an open question only until its closing time, then reads it again', async () => {
    let now = 0;
    const source = { loads: 0, findPublished: async (id: number) => (source.loads++, question(id, 2_000)) };
    const cache = new BallotCache(source, deafListener, () => now);
    await cache.get(1);
    now = 1_999;
    await cache.get(1);
    assert.equal(source.loads, 1);
    now = 2_000;
    await cache.get(1);
    assert.equal(source.loads, 2);
  });

  it('keeps at most 1,000 ballots, dropping the oldest first', async () => {
    const source = { loads: 0, findPublished: async (id: number) => (source.loads++, question(id)) };
    const cache = new BallotCache(source, deafListener);
    for (let id = 1; id <= 1_001; id++) await cache.get(id);
    await cache.get(1_001);
    await cache.get(2);
    assert.equal(source.loads, 1_001, 'the newest are kept');
    await cache.get(1);
    assert.equal(source.loads, 1_002, 'the oldest was dropped');
  });
});
