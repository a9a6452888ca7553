import assert from 'node:assert/strict';
import supertest from 'supertest';
import { questionsChangedChannel } from '../../src/polls/publication.js';
import { createAdmin, signedIn } from '../support/admin.js';
import { appOnDatabase, formToken } from '../support/app.js';
import { databaseTargets, describeOnServer, serverTarget } from '../support/databases.js';
import { createQuestion } from '../support/fixtures.js';
import { appWithListener, deafListener, downListener, loadsCountedPerTest } from '../support/listeners.js';
import { waitFor } from '../support/wait.js';

for (const target of databaseTargets) {
  describe(`the index's cache on ${target.name}`, function () {
    this.timeout(30_000);
    const suite = appOnDatabase(target);
    // The index's queries: the only ones asking when the next question goes public.
    const counter = loadsCountedPerTest(suite, '"msUntilNextPublication"');
    const index = () => supertest(suite.app.callback()).get('/polls/').expect(200);

    it('answers from memory until a write someone else made is announced', async () => {
      await createQuestion(suite.db.knex, 'First?', -2);
      await index();
      const cached = await index();
      assert.match(cached.text, /First\?/);
      assert.equal(counter.count, 1);

      await createQuestion(suite.db.knex, 'Second?', -1); // not through this app: known only by notification
      const fresh = await index();
      assert.match(fresh.text, /Second\?/);
      assert.equal(counter.count, 2);
    });

    it('is not reloaded by votes', async () => {
      const question = await createQuestion(suite.db.knex, 'Voted?', -1);
      await index();
      await supertest(suite.app.callback())
        .post(`/api/questions/${question.id}/votes`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ choiceId: question.choiceIds[0] }))
        .expect(201);
      await index();
      assert.equal(counter.count, 1);
    });

    it('shows a scheduled question when its time comes, without any write', async () => {
      await createQuestion(suite.db.knex, 'Already public?', -1);
      const publishAt = new Date(Date.now() + 1_500);
      const [scheduled] = await suite.db
        .knex('questions')
        .insert({ question_text: 'Scheduled?', pub_date: publishAt })
        .returning<{ id: number }[]>('id');
      await suite.db.knex('choices').insert({ question_id: scheduled!.id, choice_text: 'Yes' });

      assert.doesNotMatch((await index()).text, /Scheduled\?/);
      assert.doesNotMatch((await index()).text, /Scheduled\?/);
      assert.equal(counter.count, 1, 'the index was not cached before the publication');
      await new Promise((resolve) => setTimeout(resolve, publishAt.getTime() - Date.now() + 50));
      assert.match((await index()).text, /Scheduled\?/);
      assert.equal(counter.count, 2);
    });

    it('reads the database on every request while its listener is down', async () => {
      const app = appWithListener(suite.db, downListener);
      await supertest(app.callback()).get('/polls/').expect(200);
      await createQuestion(suite.db.knex, 'Unannounced?', -1);
      const response = await supertest(app.callback()).get('/polls/').expect(200);
      assert.match(response.text, /Unannounced\?/);
      assert.equal(counter.count, 2);
    });

    it("shows the admin's own save at once, before any notification could arrive", async () => {
      const app = appWithListener(suite.db, deafListener);
      const get = () => supertest(app.callback()).get('/polls/').expect(200);
      await createAdmin(suite.db.knex);
      const agent = await signedIn(app);
      assert.match((await get()).text, /No polls are available/);

      // A write the app did not make stays unseen: the cache is really in use.
      await createQuestion(suite.db.knex, 'Outside write?', -2);
      assert.match((await get()).text, /No polls are available/);

      const form = await agent.get('/admin/questions/new').expect(200);
      await agent
        .post('/admin/questions/new')
        .type('form')
        .send({
          csrf_token: formToken(form.text),
          question_text: 'Saved by the editor?',
          pub_date: '2020-01-01T00:00',
          'choices[0][text]': 'Yes',
        })
        .expect(303);
      const after = (await get()).text;
      assert.match(after, /Saved by the editor\?/);
      assert.match(after, /Outside write\?/);
    });
  });
}

describeOnServer("the index's cache when its PostgreSQL session is lost", function () {
  this.timeout(30_000);
  const suite = appOnDatabase(serverTarget);
  const index = () => supertest(suite.app.callback()).get('/polls/').expect(200);

  it('forgets what it kept, so a write made while the listener was down shows once it is back', async () => {
    const listener = suite.db.listen(questionsChangedChannel);
    await waitFor(() => listener.listening, 'the index listener listens');
    await createQuestion(suite.db.knex, 'Before?', -2);
    assert.match((await index()).text, /Before\?/);

    let wentDown = false;
    listener.subscribe(() => (wentDown ||= !listener.listening));
    await suite.db.knex.raw(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where application_name = 'polls-listener' and datname = current_database()`,
    );
    await waitFor(() => wentDown, 'the listener reports the loss');
    await createQuestion(suite.db.knex, 'While down?', -1); // its notification reaches no one
    await waitFor(() => listener.listening, 'the listener listens again');
    assert.match((await index()).text, /While down\?/);
  });
});
