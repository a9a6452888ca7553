import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { AccountsRepository } from '../../src/admin/accounts.js';
import { hashPassword, needsRehash, verifyPassword } from '../../src/admin/passwords.js';
import { appOnDatabase } from '../support/app.js';
import { databaseTargets } from '../support/databases.js';

const password = `pw-${randomBytes(6).toString('hex')}`;

/** A hash as an earlier release stored it: scrypt at N=2^15, Node's default cost twice over. */
function olderHash(secret: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(secret, salt, 64, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', 2 ** 15, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
}

describe('admin password hashes', () => {
  it('are salted scrypt at OWASP minimum cost, recording their parameters', async () => {
    const [first, second] = await Promise.all([hashPassword(password), hashPassword(password)]);
    assert.match(first, /^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
    assert.notEqual(first, second, 'two hashes of one password differ by their salt');
    assert.equal(await verifyPassword(password, first), true);
    assert.equal(await verifyPassword(`${password}x`, first), false);
    assert.equal(needsRehash(first), false);
  });

  it('made at an older cost still verify, and are due for a rehash', async () => {
    const stored = olderHash(password);
    assert.equal(await verifyPassword(password, stored), true);
    assert.equal(await verifyPassword('not-the-password', stored), false);
    assert.equal(needsRehash(stored), true);
  });

  it('of another scheme never verify', async () => {
    assert.equal(await verifyPassword(password, `bcrypt$12$${'a'.repeat(53)}`), false);
    assert.equal(needsRehash('bcrypt$12$x'), true);
  });
});

for (const target of databaseTargets) {
  describe(`logging in with an older hash on ${target.name}`, () => {
    const suite = appOnDatabase(target);

    it('upgrades the stored hash to the current cost, and only on the right password', async () => {
      const knex = suite.db.knex;
      const stored = olderHash(password);
      await knex('admin_accounts').insert({ username: 'veteran', password_hash: stored });
      const accounts = new AccountsRepository(knex);
      const storedHash = async () =>
        (await knex('admin_accounts').where({ username: 'veteran' }).first('password_hash')).password_hash;

      assert.equal(await accounts.authenticate('veteran', 'wrong-password-123'), undefined);
      assert.equal(await storedHash(), stored);

      assert.equal((await accounts.authenticate('veteran', password))?.username, 'veteran');
      const upgraded = await storedHash();
      assert.match(upgraded, /^scrypt\$131072\$/);
      assert.equal(await verifyPassword(password, upgraded), true);
    });
  });
}
