import assert from 'node:assert/strict';
import supertest from 'supertest';
import { AccountsRepository } from '../../src/admin/accounts.js';
import { idleTimeout } from '../../src/admin/sessions.js';
import { appOnDatabase, browser, formToken } from '../support/app.js';
import { databaseTargets } from '../support/databases.js';
import { createQuestion } from '../support/fixtures.js';
import { adminPassword, adminUsername, createAdmin, signedIn, submitLogin } from '../support/admin.js';

for (const target of databaseTargets) {
  describe(`admin login on ${target.name}`, () => {
    const suite = appOnDatabase(target);
    beforeEach(() => createAdmin(suite.db.knex));

    it('sends a visitor without a session to the login page, remembering the page', async () => {
      const response = await supertest(suite.app.callback()).get('/admin/?page=2').expect(303);
      assert.equal(response.headers.location, '/admin/login?next=%2Fadmin%2F%3Fpage%3D2');
    });

    it('logs in with the right password and shows the question list with totals', async () => {
      await createQuestion(suite.db.knex, 'Which <b>colour</b>?', -1, ['Red', 'Blue']);
      await suite.db.knex('choices').update({ votes: 3 });
      const agent = browser(suite.app);
      const login = await submitLogin(agent, {});
      assert.equal(login.status, 303);
      assert.equal(login.headers.location, '/admin/');
      const cookie = String(login.headers['set-cookie']);
      assert.match(cookie, /(^|,)polls_admin_session=[^;]+; path=\/; samesite=lax; httponly/i);
      assert.doesNotMatch(cookie, /secure|__Host-/i, 'plain HTTP gets neither Secure nor the prefix');
      const page = await agent.get('/admin/').expect(200);
      assert.match(page.text, /Which &lt;b&gt;colour&lt;\/b&gt;\?/);
      assert.match(page.text, /<td>2<\/td>\s*<td>6<\/td>/);
      assert.equal(page.headers['cache-control'], 'no-store');
    });

    it('refuses a wrong password and an unknown username with the same message', async () => {
      for (const fields of [{ password: 'wrong-password-123' }, { username: 'nobody' }]) {
        const response = await submitLogin(browser(suite.app), fields);
        assert.equal(response.status, 401);
        assert.match(response.text, /The username or password is not correct\./);
        assert.doesNotMatch(String(response.headers['set-cookie'] ?? ''), /polls_admin_session=/);
      }
    });

    it('locks an address out of an account after 5 failures, even with the right password', async () => {
      const agent = browser(suite.app);
      for (let attempt = 0; attempt < 5; attempt++)
        assert.equal((await submitLogin(agent, { password: 'wrong-password-123' })).status, 401);
      const blocked = await submitLogin(agent, {});
      assert.equal(blocked.status, 429);
      const retryAfter = Number(blocked.headers['retry-after']);
      assert.ok(retryAfter > 880 && retryAfter <= 900, `Retry-After ${retryAfter}, expected about 900`);
      assert.match(blocked.text, /Too many failed logins.*Try again in 15 minutes/);
    });

    it('takes back the failures on a successful login', async () => {
      const agent = browser(suite.app);
      for (let attempt = 0; attempt < 4; attempt++)
        await submitLogin(agent, { password: 'wrong-password-123' });
      assert.equal((await submitLogin(agent, {})).status, 303);
      for (let attempt = 0; attempt < 4; attempt++)
        assert.equal((await submitLogin(agent, { password: 'wrong-password-123' })).status, 401);
      assert.equal((await submitLogin(agent, {})).status, 303);
    });

    for (const [label, fields, problem] of [
      ['a 151-character username', { username: 'u'.repeat(151) }, /at most 150 characters/],
      ['an empty username', { username: '' }, /Enter your username/],
      ['an empty password', { password: '' }, /Enter your password/],
      ['a 1025-character password', { password: 'p'.repeat(1025) }, /at most 1024 characters/],
    ] as const) {
      it(`refuses ${label} with 422 before any lookup, hash or count`, async () => {
        const response = await submitLogin(browser(suite.app), fields);
        assert.equal(response.status, 422);
        assert.match(response.text, problem);
        assert.equal((await suite.db.knex('admin_login_throttle').select('username')).length, 0);
      });
    }

    it('returns to a same-site path after login', async () => {
      const response = await submitLogin(browser(suite.app), { next: '/admin/?q=colour' });
      assert.equal(response.headers.location, '/admin/?q=colour');
    });

    for (const next of [
      '//evil.example/',
      '/\\evil.example/',
      'https://evil.example/',
      '/\t/evil.example/',
      'evil',
    ]) {
      it(`ignores the open redirect ${JSON.stringify(next)}`, async () => {
        const response = await submitLogin(browser(suite.app), { next });
        assert.equal(response.status, 303);
        assert.equal(response.headers.location, '/admin/');
      });
    }

    it('rejects a login without a CSRF token', async () => {
      await supertest(suite.app.callback())
        .post('/admin/login')
        .type('form')
        .send({ username: adminUsername, password: adminPassword })
        .expect(403);
    });

    it('revokes the session on logout, so the old cookie no longer works', async () => {
      const agent = await signedIn(suite.app);
      const page = await agent.get('/admin/').expect(200);
      const cookies = await suite.db.knex('admin_sessions').count<{ count: string }[]>({ count: '*' });
      assert.equal(Number(cookies[0]!.count), 1);
      await agent
        .post('/admin/logout')
        .type('form')
        .send({ csrf_token: formToken(page.text) })
        .expect(303);
      assert.equal((await suite.db.knex('admin_sessions').select('id')).length, 0);
      await agent.get('/admin/').expect(303);
    });

    it('ends a session after the idle timeout', async () => {
      const agent = await signedIn(suite.app);
      await suite.db
        .knex('admin_sessions')
        .update({ last_seen_at: new Date(Date.now() - idleTimeout - 1000) });
      await agent.get('/admin/').expect(303);
    });

    it('ends a session after the absolute timeout even while in use', async () => {
      const agent = await signedIn(suite.app);
      await suite.db
        .knex('admin_sessions')
        .update({ created_at: new Date(Date.now() - 13 * 60 * 60 * 1000) });
      await agent.get('/admin/').expect(303);
    });

    it('ends every session of an account when its password changes', async () => {
      const agent = await signedIn(suite.app);
      assert.equal(
        await new AccountsRepository(suite.db.knex).changePassword(adminUsername, `${adminPassword}-new`),
        true,
      );
      await agent.get('/admin/').expect(303);
    });

    it('refuses to store a password shorter than 12 characters', async () => {
      await assert.rejects(
        new AccountsRepository(suite.db.knex).create('short', 'elevenchars'),
        /at least 12 characters/,
      );
    });
  });
}
