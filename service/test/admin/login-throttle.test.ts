import assert from 'node:assert/strict';
import {
  firstLockout,
  forgetAfter,
  LoginThrottle,
  lockoutEnd,
  maxFailuresPerAccount,
  maxFailuresPerAddress,
} from '../../src/admin/login-throttle.js';
import { databaseTargets, type TestDatabase } from '../support/databases.js';

const attacker = '203.0.113.7';
const editorAddress = '198.51.100.2';

describe('lockoutEnd', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const lockedFor = (failures: number) =>
    (lockoutEnd(failures, 5, now)?.getTime() ?? now.getTime()) - now.getTime();

  it('locks nobody out below the limit', () => {
    assert.equal(lockoutEnd(4, 5, now), null);
  });

  it('locks out for 15 minutes at the limit, doubling with each failure after it, up to a day', () => {
    assert.equal(lockedFor(5), firstLockout);
    assert.equal(lockedFor(6), 2 * firstLockout);
    assert.equal(lockedFor(7), 4 * firstLockout);
    assert.equal(lockedFor(12), forgetAfter);
    assert.equal(lockedFor(1_000_000), forgetAfter);
  });
});

for (const target of databaseTargets) {
  describe(`login throttle on ${target.name}`, () => {
    let db: TestDatabase;
    let throttle: LoginThrottle;

    before(async function () {
      this.timeout(60_000);
      db = await target.open();
      throttle = new LoginThrottle(db.knex);
    });
    beforeEach(() => db.reset());

    const attempts = async (count: number, username: string, address: string, now?: Date) => {
      const allowed: boolean[] = [];
      for (let attempt = 0; attempt < count; attempt++)
        allowed.push((await throttle.reserve(username, address, now)).allowed);
      return allowed;
    };

    it(`allows ${maxFailuresPerAccount} attempts at one account from one address, then refuses with the time left`, async () => {
      assert.deepEqual(await attempts(maxFailuresPerAccount, 'editor', attacker), Array(5).fill(true));
      const refused = await throttle.reserve('editor', attacker);
      assert.deepEqual(refused, { allowed: false, retryAfterSeconds: firstLockout / 1000 });
    });

    it('lets 20 parallel attempts reserve no more than the limit', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => throttle.reserve('editor', attacker)),
      );
      assert.equal(outcomes.filter((outcome) => outcome.allowed).length, maxFailuresPerAccount);
    });

    it('never locks the account for another address', async () => {
      await attempts(maxFailuresPerAccount + 3, 'editor', attacker);
      assert.equal((await throttle.reserve('editor', editorAddress)).allowed, true);
    });

    it(`refuses an address after ${maxFailuresPerAddress} attempts across usernames`, async () => {
      for (let attempt = 0; attempt < maxFailuresPerAddress; attempt++)
        assert.equal((await throttle.reserve(`guess-${attempt}`, attacker)).allowed, true);
      assert.equal((await throttle.reserve('editor', attacker)).allowed, false);
      assert.equal((await throttle.reserve('editor', editorAddress)).allowed, true);
    });

    it('writes nothing for an attempt from a locked-out address', async () => {
      await attempts(maxFailuresPerAccount, 'editor', attacker);
      const before = await db.knex('admin_login_throttle').orderBy(['client_ip', 'username']);
      await attempts(10, 'editor', attacker);
      assert.deepEqual(await db.knex('admin_login_throttle').orderBy(['client_ip', 'username']), before);
    });

    it('backs off: once a lock-out ends, the next failure locks out for twice as long', async () => {
      const start = new Date();
      await attempts(maxFailuresPerAccount, 'editor', attacker, start);
      const later = new Date(start.getTime() + firstLockout + 1000);
      assert.equal((await throttle.reserve('editor', attacker, later)).allowed, true);
      assert.deepEqual(await throttle.reserve('editor', attacker, later), {
        allowed: false,
        retryAfterSeconds: (2 * firstLockout) / 1000,
      });
    });

    it('tells how often the address failed before, across usernames', async () => {
      await attempts(3, 'editor', attacker);
      await attempts(2, 'someone', attacker);
      assert.deepEqual(await throttle.reserve('other', attacker), { allowed: true, addressFailures: 5 });
      assert.deepEqual(await throttle.reserve('editor', editorAddress), {
        allowed: true,
        addressFailures: 0,
      });
    });

    it('takes back the attempts of an address and account that succeeded', async () => {
      await attempts(maxFailuresPerAccount - 1, 'editor', attacker);
      await throttle.succeeded('editor', attacker);
      assert.deepEqual(await attempts(maxFailuresPerAccount, 'editor', attacker), Array(5).fill(true));
    });

    it('forgets an address a day after its last failure', async () => {
      const start = new Date();
      await attempts(maxFailuresPerAccount, 'editor', attacker, start);
      const nextDay = new Date(start.getTime() + forgetAfter + 1000);
      assert.deepEqual(
        await attempts(maxFailuresPerAccount, 'editor', attacker, nextDay),
        Array(5).fill(true),
      );
    });
  });
}
