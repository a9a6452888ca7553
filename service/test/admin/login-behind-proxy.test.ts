import assert from 'node:assert/strict';
import { maxFailuresPerAccount } from '../../src/admin/login-throttle.js';
import { appOnDatabase, browser } from '../support/app.js';
import { createAdmin, submitLogin } from '../support/admin.js';
import { databaseTargets } from '../support/databases.js';

const wrong = { password: 'wrong-password-123' };

for (const target of databaseTargets) {
  describe(`admin login behind one trusted proxy (TRUST_PROXY=1) on ${target.name}`, () => {
    const suite = appOnDatabase(target, { trustProxyHops: 1 });
    beforeEach(() => createAdmin(suite.db.knex));

    /** A browser whose requests reach us through the proxy, which appends `address` to X-Forwarded-For. */
    const from = (address: string, writtenByClient?: string) =>
      browser(suite.app).set(
        'X-Forwarded-For',
        writtenByClient === undefined ? address : `${writtenByClient}, ${address}`,
      );

    it('counts the address the proxy saw, whatever X-Forwarded-For entries the client wrote before it', async () => {
      for (let attempt = 0; attempt < maxFailuresPerAccount; attempt++) {
        const spoofed = attempt === 0 ? 'x'.repeat(100) : `10.0.0.${attempt}, 192.0.2.${attempt}`;
        assert.equal((await submitLogin(from('203.0.113.7', spoofed), wrong)).status, 401);
      }
      assert.equal((await submitLogin(from('203.0.113.7', '198.51.100.99'), {})).status, 429);
      const counted = await suite.db.knex('admin_login_throttle').distinct('client_ip');
      assert.deepEqual(counted, [{ client_ip: '203.0.113.7' }]);
    });

    it('does not lock the account for an editor at another address', async () => {
      for (let attempt = 0; attempt < maxFailuresPerAccount; attempt++)
        await submitLogin(from('203.0.113.7'), wrong);
      assert.equal((await submitLogin(from('203.0.113.7'), {})).status, 429);
      assert.equal((await submitLogin(from('198.51.100.2'), {})).status, 303);
    });

    it('checks at most the limit of 20 parallel wrong passwords and answers the rest 429', async function () {
      this.timeout(60_000);
      const attacker = from('203.0.113.7');
      const responses = await Promise.all(Array.from({ length: 20 }, () => submitLogin(attacker, wrong)));
      const statuses = responses.map((response) => response.status);
      const checked = statuses.filter((status) => status === 401).length;
      assert.ok(checked >= 1 && checked <= maxFailuresPerAccount, `${checked} passwords checked`);
      assert.equal(statuses.filter((status) => status === 429).length, 20 - checked);
      for (const response of responses.filter((each) => each.status === 429))
        assert.ok(Number(response.headers['retry-after']) > 0, 'a 429 without Retry-After');
    });

    it('counts an address that is no IP address (a proxy hop too many) as the proxy itself, without failing', async () => {
      const response = await submitLogin(browser(suite.app).set('X-Forwarded-For', 'y'.repeat(70)), wrong);
      assert.equal(response.status, 401);
      const [row] = await suite.db.knex('admin_login_throttle').distinct('client_ip');
      assert.equal(row?.client_ip, '127.0.0.1');
    });
  });

  describe(`admin login behind a CDN and a balancer (TRUST_PROXY=2) on ${target.name}`, () => {
    const suite = appOnDatabase(target, { trustProxyHops: 2 });

    it('counts the second X-Forwarded-For entry from the right', async () => {
      const agent = browser(suite.app).set('X-Forwarded-For', '10.9.9.9, 203.0.113.7, 192.0.2.1');
      assert.equal((await submitLogin(agent, { username: 'nobody', ...wrong })).status, 401);
      const counted = await suite.db.knex('admin_login_throttle').distinct('client_ip');
      assert.deepEqual(counted, [{ client_ip: '203.0.113.7' }]);
    });
  });
}
