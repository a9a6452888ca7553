import assert from 'node:assert/strict';
import supertest from 'supertest';
import { CookieKeys } from '../../src/web/cookie-keys.js';
import { appOnDatabase, formToken, testApp, testSessionKey } from '../support/app.js';
import { createAdmin } from '../support/admin.js';
import { CookieJar } from '../support/cookie-jar.js';
import { httpsBrowser } from '../support/https-browser.js';
import { databaseTargets } from '../support/databases.js';

/** The Set-Cookie line of the cookie named `name`. */
function setCookie(response: supertest.Response, name: string): string | undefined {
  const lines = (response.headers['set-cookie'] ?? []) as unknown as string[];
  return lines.find((line) => line.startsWith(`${name}=`));
}

for (const target of databaseTargets) {
  describe(`session and CSRF cookies behind a trusted HTTPS proxy on ${target.name}`, () => {
    const suite = appOnDatabase(target, { trustProxyHops: 1 });
    beforeEach(() => createAdmin(suite.db.knex));

    it('are Secure, Path=/ and __Host- prefixed, with no Domain', async () => {
      const agent = httpsBrowser(suite.app);
      const { page, response: login } = await agent.login();
      assert.equal(login.status, 303);
      for (const [response, name] of [
        [page, '__Host-polls_csrf'],
        [login, '__Host-polls_admin_session'],
        [login, '__Host-polls_csrf'],
      ] as const) {
        const line = setCookie(response, name);
        assert.ok(line, `${name} was not set`);
        assert.match(line, /; path=\/;/);
        assert.match(line, /; secure/);
        assert.match(line, /; httponly/);
        assert.doesNotMatch(line, /domain=/i);
      }
      assert.equal((await agent.get('/admin/')).status, 200);
    });

    it('renews the CSRF secret at login, so a token from before no longer works', async () => {
      const agent = httpsBrowser(suite.app);
      const { token: before, response } = await agent.login();
      assert.equal(response.status, 303);
      assert.equal((await agent.post('/admin/logout', { csrf_token: before })).status, 403);
      const after = formToken((await agent.get('/admin/')).text);
      assert.equal((await agent.post('/admin/logout', { csrf_token: after })).status, 303);
    });

    it('renews the CSRF secret at logout', async () => {
      const agent = httpsBrowser(suite.app);
      assert.equal((await agent.login()).response.status, 303);
      const token = formToken((await agent.get('/admin/')).text);
      const logout = await agent.post('/admin/logout', { csrf_token: token });
      assert.equal(logout.status, 303);
      assert.ok(setCookie(logout, '__Host-polls_csrf'), 'no new CSRF cookie at logout');
      for (const name of ['__Host-polls_admin_session', '__Host-polls_admin_session.sig'])
        assert.match(setCookie(logout, name) ?? '', /expires=Thu, 01 Jan 1970/, `${name} was not expired`);
      assert.equal((await agent.post('/admin/logout', { csrf_token: token })).status, 403);
    });
  });

  describe(`cookies signed by an older key (SESSION_KEYS rotated) on ${target.name}`, () => {
    const suite = appOnDatabase(target, { trustProxyHops: 1 });
    const newKey = 'a-new-session-key-that-is-long-enough-0123456789';

    it('are signed again with the first key, keeping every attribute of the cookie, its signature included', async () => {
      // A browser that got its CSRF cookie before the rotation, from the app signing with the old key alone.
      const cookies = new CookieJar();
      const before = await supertest(suite.app.callback())
        .get('/admin/login')
        .set('X-Forwarded-Proto', 'https');
      cookies.take(before.headers);
      const rotated = testApp(suite.db, { trustProxyHops: 1, sessionKeys: [newKey, testSessionKey] }).app;
      const after = await supertest(rotated.callback())
        .get('/admin/login')
        .set('X-Forwarded-Proto', 'https')
        .set('Cookie', cookies.header());
      assert.equal(after.status, 200);
      const value = setCookie(before, '__Host-polls_csrf')!.split(';')[0]!.split('=')[1]!;
      const resigned = {
        cookie: setCookie(after, '__Host-polls_csrf'),
        signature: setCookie(after, '__Host-polls_csrf.sig'),
      };
      assert.equal(resigned.cookie?.split(';')[0], `__Host-polls_csrf=${value}`, 'the same secret');
      assert.equal(
        resigned.signature?.split(';')[0],
        `__Host-polls_csrf.sig=${new CookieKeys([newKey]).sign(`__Host-polls_csrf=${value}`)}`,
      );
      for (const line of Object.values(resigned)) {
        assert.match(line!, /; path=\/;/);
        assert.match(line!, /; secure/);
        assert.match(line!, /; samesite=lax/);
        assert.match(line!, /; httponly/);
        assert.doesNotMatch(line!, /domain=/i);
      }
    });
  });
}
