import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import type Router from '@koa/router';
import type { Knex } from 'knex';
import type Koa from 'koa';
import { listen, type RunningServer } from '../../src/server.js';
import { formToken, testApp } from '../support/app.js';
import { adminPassword, adminUsername, createAdmin } from '../support/admin.js';
import { CookieJar } from '../support/cookie-jar.js';
import { databaseTargets, type TestDatabase } from '../support/databases.js';
import { rawRequest, type RawResponse } from '../support/raw-request.js';
import { corpus, hostileRequests, target, type HostileRequest } from './hostile-requests.js';

const requests = hostileRequests();
// A few at a time, as several attackers would; PGlite serialises them on its one connection anyway.
const concurrency = 8;

/** `METHOD /template` of every route the app's router holds (HEAD aside: Koa answers it as GET). */
function routesOf(app: Koa): string[] {
  const router = app.middleware
    .map((middleware) => (middleware as { router?: Router }).router)
    .find((found) => found !== undefined);
  if (!router) throw new Error('the app has no router');
  return router.stack.flatMap((layer) =>
    layer.methods.filter((method) => method !== 'HEAD').map((method) => `${method} ${String(layer.path)}`),
  );
}

/**
 * Everything a request could write, but the throttle's own bookkeeping (hostile logins are counted there on
 * purpose) and when a session was last seen (every signed-in request refreshes it).
 */
async function writableState(db: Knex): Promise<unknown> {
  return {
    questions: await db('questions').orderBy('id'),
    choices: await db('choices').orderBy('id'),
    accounts: await db('admin_accounts').orderBy('id'),
    sessions: await db('admin_sessions').orderBy('id').select('id', 'account_id', 'created_at'),
    loginFailures: await db('admin_login_failures').orderBy('id'),
  };
}

/** Sends every request, `concurrency` at a time; the answers in the requests' order. */
async function sendAll(
  url: string,
  extraHeaders: (request: HostileRequest) => Record<string, string>,
): Promise<(RawResponse | Error)[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const answers: (RawResponse | Error)[] = [];
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      const request = requests[index]!;
      answers[index] = await rawRequest(`${url}${request.path}`, {
        method: request.method,
        headers: { ...request.headers, ...extraHeaders(request) },
        ...(request.body ? { body: request.body } : {}),
        agent,
      }).catch((error: unknown) => error as Error);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return answers;
}

/** The requests answered 500 or more, or not at all, with what they were. */
function failures(answers: readonly (RawResponse | Error)[]): string[] {
  return answers.flatMap((answer, index) => {
    const what = requests[index]!.what;
    if (answer instanceof Error) return [`${what}: no answer (${answer.message})`];
    return answer.status >= 500 ? [`${what}: ${answer.status} ${answer.bytes.toString().slice(0, 120)}`] : [];
  });
}

for (const databaseTarget of databaseTargets) {
  describe(`hostile inputs (${requests.length} requests per client) on ${databaseTarget.name}`, function () {
    this.timeout(180_000);
    let db: TestDatabase;
    let app: Koa;
    let server: RunningServer;

    before(async () => {
      db = await databaseTarget.open();
      // Behind one trusted proxy, as deployed: the X-Forwarded-* cases are read, not ignored.
      app = testApp(db, { trustProxyHops: 1 }).app;
      server = await listen(app, 0, '127.0.0.1');
    });
    after(() => server.close(0));
    beforeEach(async () => {
      await db.reset();
      await createAdmin(db.knex);
      await db
        .knex('questions')
        .insert({ id: target.questionId, question_text: 'Target?', pub_date: new Date(0) });
      await db.knex('choices').insert(
        target.choiceIds.map((id, index) => ({
          id,
          question_id: target.questionId,
          choice_text: `C${index}`,
        })),
      );
    });

    it('covers every route of the app', () => {
      assert.deepEqual(routesOf(app).sort(), Object.keys(corpus.routes).sort());
    });

    it('answers every request of an anonymous client below 500 and writes nothing', async () => {
      const before = await writableState(db.knex);
      const answers = await sendAll(server.url, () => ({}));
      assert.deepEqual(failures(answers).slice(0, 20), []);
      assert.deepEqual(await writableState(db.knex), before);
    });

    it('answers every request of a signed-in editor with a valid CSRF token below 500 and writes nothing', async () => {
      const cookies = new CookieJar();
      const login = await rawRequest(`${server.url}/admin/login`);
      cookies.take(login.headers);
      const signIn = await rawRequest(`${server.url}/admin/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookies.header() },
        body: new URLSearchParams({
          csrf_token: formToken(login.bytes.toString()),
          username: adminUsername,
          password: adminPassword,
        }).toString(),
      });
      assert.equal(signIn.status, 303);
      cookies.take(signIn.headers);
      const list = await rawRequest(`${server.url}/admin/`, { headers: { Cookie: cookies.header() } });
      assert.equal(list.status, 200);
      const token = formToken(list.bytes.toString());

      const before = await writableState(db.knex);
      const answers = await sendAll(server.url, (request) => ({
        // The corpus's own Cookie cases replace the session: they are about what a cookie can hold.
        ...(request.headers.Cookie ? {} : { Cookie: cookies.header() }),
        ...(request.csrf ? { 'X-CSRF-Token': token } : {}),
      }));
      assert.deepEqual(failures(answers).slice(0, 20), []);
      assert.deepEqual(await writableState(db.knex), before);
      // The session survived the corpus: its requests were refused for what they held, not for lack of one.
      const still = await rawRequest(`${server.url}/admin/`, { headers: { Cookie: cookies.header() } });
      assert.equal(still.status, 200);
    });
  });
}
