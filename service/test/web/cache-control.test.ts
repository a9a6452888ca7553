import assert from 'node:assert/strict';
import Koa from 'koa';
import supertest from 'supertest';
import { parseConfig } from '../../src/config.js';
import { cacheControl } from '../../src/web/cache-control.js';
import { createAdmin, submitLogin } from '../support/admin.js';
import { metricsApp } from '../../src/metrics/metrics-server.js';
import { appOnDatabase, browser, formToken, testApp } from '../support/app.js';
import { databaseTargets } from '../support/databases.js';
import { createQuestion } from '../support/fixtures.js';

const edgeMaxAge = parseConfig({}).indexEdgeMaxAgeSeconds;
const sharedIndex = `public, max-age=0, s-maxage=${edgeMaxAge}`;

/** The header of a response a shared cache must never keep: `no-store`, `private` too when it sets a cookie. */
function assertNotStored(response: supertest.Response, what: string): void {
  const header = response.headers['cache-control'] as string | undefined;
  const cookie = response.headers['set-cookie'] !== undefined;
  assert.equal(header, cookie ? 'private, no-store' : 'no-store', `${what} (${response.status})`);
}

describe('cacheControl()', () => {
  it('overrides a handler that marks a response public while it sets a cookie', async () => {
    const app = new Koa();
    app.use(cacheControl());
    app.use((ctx) => {
      ctx.set('Cache-Control', 'public, max-age=60');
      ctx.cookies.set('visitor', 'one', { signed: false });
      ctx.body = 'hello';
    });
    const response = await supertest(app.callback()).get('/').expect(200);
    assert.equal(response.headers['cache-control'], 'private, no-store');
  });
});

for (const target of databaseTargets) {
  describe(`Cache-Control of every response on ${target.name}`, () => {
    const suite = appOnDatabase(target);
    const client = () => supertest(suite.app.callback());

    describe('the pages every visitor sees alike', () => {
      it('lets a shared cache keep the index for INDEX_EDGE_MAX_AGE_SECONDS, never a browser', async () => {
        await createQuestion(suite.db.knex, 'Cached?', -1);
        const response = await client().get('/polls/').expect(200);
        assert.equal(response.headers['cache-control'], sharedIndex);
        assert.equal(response.headers['set-cookie'], undefined);
      });

      it('marks the / redirect like the index it points to', async () => {
        const response = await client().get('/').expect(302);
        assert.equal(response.headers['cache-control'], sharedIndex);
        assert.equal(response.headers['set-cookie'], undefined);
      });

      it('sets no cookie on the index for a visitor who already holds one', async () => {
        const { id } = await createQuestion(suite.db.knex, 'Cookie?', -1);
        const visitor = browser(suite.app);
        const detail = await visitor.get(`/polls/${id}/`).expect(200);
        assert.ok(detail.headers['set-cookie'], 'the detail page gave the visitor a CSRF cookie');
        const index = await visitor.get('/polls/').expect(200);
        assert.equal(index.headers['set-cookie'], undefined);
        assert.equal(index.headers['cache-control'], sharedIndex);
      });

      it('keeps the index out of shared caches when INDEX_EDGE_MAX_AGE_SECONDS is 0', async () => {
        const { app } = testApp(suite.db, { indexEdgeMaxAgeSeconds: 0 });
        for (const path of ['/', '/polls/']) {
          const response = await supertest(app.callback()).get(path);
          assert.equal(response.headers['cache-control'], 'no-store', path);
        }
      });
    });

    describe('static files', () => {
      it('caches a fingerprinted file for a year and a plain name for five minutes', async () => {
        const page = await client().get('/polls/').expect(200);
        const href = /href="(\/static\/polls\.[0-9a-f]{12}\.css)"/.exec(page.text)?.[1];
        assert.ok(href, 'the index links a fingerprinted stylesheet');
        const fingerprinted = await client().get(href).expect(200);
        assert.equal(fingerprinted.headers['cache-control'], 'public, max-age=31536000, immutable');
        const revalidated = await client()
          .get(href)
          .set('If-None-Match', fingerprinted.headers.etag as string)
          .expect(304);
        assert.equal(revalidated.headers['cache-control'], 'public, max-age=31536000, immutable');
        const plain = await client().get('/static/polls.css').expect(200);
        assert.equal(plain.headers['cache-control'], 'public, max-age=300');
      });

      it('lets no cache keep a missing static file', async () => {
        assertNotStored(await client().get('/static/nope.css').expect(404), 'missing static file');
      });
    });

    describe('the voter pages that carry or need a cookie', () => {
      it('marks detail, results, every vote answer and missing polls no-store', async () => {
        const { id, choiceIds } = await createQuestion(suite.db.knex, 'Per visitor?', -1);
        const visitor = browser(suite.app);
        const detail = await visitor.get(`/polls/${id}/`).expect(200);
        assertNotStored(detail, 'detail page');
        const token = formToken(detail.text);
        const vote = (fields: Record<string, string>) =>
          visitor
            .post(`/polls/${id}/vote/`)
            .type('form')
            .send({ csrf_token: token, ...fields });
        assertNotStored(await vote({ choice: String(choiceIds[0]) }).expect(303), 'vote');
        assertNotStored(await vote({}).expect(422), 'vote without a choice');
        assertNotStored(
          await client().post(`/polls/${id}/vote/`).type('form').send({ choice: '1' }).expect(403),
          'vote without a CSRF token',
        );
        assertNotStored(await visitor.get(`/polls/${id}/results/`).expect(200), 'results page');
        assertNotStored(await client().get('/polls/999999/').expect(404), 'missing poll');
        assertNotStored(await client().get('/no/such/page').expect(404), 'unknown page');
      });
    });

    describe('the JSON API', () => {
      it('marks every read, write and error no-store', async () => {
        const { id, choiceIds } = await createQuestion(suite.db.knex, 'API?', -1);
        assertNotStored(await client().get('/api/questions').expect(200), 'question list');
        assertNotStored(await client().get(`/api/questions/${id}`).expect(200), 'question');
        assertNotStored(
          await client().post(`/api/questions/${id}/votes`).send({ choiceId: choiceIds[0] }).expect(201),
          'vote',
        );
        assertNotStored(
          await client().post(`/api/questions/${id}/votes`).type('form').send('choiceId=1').expect(415),
          'vote as a form',
        );
        assertNotStored(await client().get('/api/questions/999999').expect(404), 'missing question');
      });
    });

    describe('the admin site', () => {
      it('marks the login page, the login, the list, the editor and the logout no-store', async () => {
        await createAdmin(suite.db.knex);
        const { id } = await createQuestion(suite.db.knex, 'Edited?', -1);
        const anonymous = browser(suite.app);
        assertNotStored(await anonymous.get('/admin/login').expect(200), 'login page');
        assertNotStored(await anonymous.get('/admin/').expect(303), 'list without a session');
        const editor = browser(suite.app);
        const login = await submitLogin(editor, {});
        assert.equal(login.status, 303, 'the editor signed in');
        assertNotStored(login, 'login');
        const list = await editor.get('/admin/').expect(200);
        assertNotStored(list, 'question list');
        assertNotStored(await editor.get(`/admin/questions/${id}/edit`).expect(200), 'editor');
        assertNotStored(await editor.get('/admin/questions/new').expect(200), 'new question form');
        assertNotStored(
          await editor
            .post('/admin/logout')
            .type('form')
            .send({ csrf_token: formToken(list.text) })
            .expect(303),
          'logout',
        );
      });
    });

    describe('health and metrics', () => {
      it('marks /healthz and /readyz no-store, and /metrics on the internal port too', async () => {
        for (const path of ['/healthz', '/readyz']) {
          assertNotStored(await client().get(path).expect(200), path);
        }
        const internal = supertest(metricsApp(suite.metrics).callback());
        assertNotStored(await internal.get('/metrics').expect(200), '/metrics');
      });
    });
  });
}
