import assert from 'node:assert/strict';
import supertest from 'supertest';
import { appOnDatabase, formToken } from '../support/app.js';
import { createAdmin } from '../support/admin.js';
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
}
