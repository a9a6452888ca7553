import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { AccountsRepository } from '../../src/admin/accounts.js';
import { connectToServer } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrator.js';
import { postgresServer } from '../support/databases.js';
import { createScratchDatabase } from '../support/postgres-server.js';
import { runCommand } from '../support/commands.js';

// Built at run time so no literal password sits in the repository.
const password = `cmd-${'y'.repeat(8)}-${process.pid}`;

describe('the admin account commands', function () {
  this.timeout(60_000);
  let scratch: { url: string; drop(): Promise<void> };
  let knex: Knex;
  let accounts: AccountsRepository;

  before(async () => {
    scratch = await createScratchDatabase((await postgresServer()).adminUrl, 'admin_commands');
    knex = connectToServer(scratch.url).knex;
    await migrateToLatest(knex, { serialise: true });
    accounts = new AccountsRepository(knex);
  });
  beforeEach(() => knex('admin_accounts').delete());
  after(async () => {
    await knex.destroy();
    await scratch.drop();
  });

  const run = (name: string, args: string[], env: Record<string, string>) =>
    runCommand(name, { DATABASE_URL: scratch.url, ...env }, 30_000, args);

  it('creates an account from ADMIN_PASSWORD without printing the password', async () => {
    const result = await run('create-admin', ['--username', 'alice'], { ADMIN_PASSWORD: password });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /created the admin account "alice"/);
    assert.ok(!(result.stdout + result.stderr).includes(password));
    assert.ok(await accounts.authenticate('alice', password));
  });

  it('refuses a password shorter than 12 characters and creates nothing', async () => {
    const result = await run('create-admin', ['--username', 'alice'], { ADMIN_PASSWORD: 'elevenchars' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /at least 12 characters/);
    assert.equal(await accounts.exists('alice'), false);
  });

  it('fails on an existing account, but exits 0 with --if-missing and keeps the old password', async () => {
    await accounts.create('alice', password);
    const again = await run('create-admin', ['--username', 'alice'], { ADMIN_PASSWORD: `${password}-2` });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
    const idempotent = await run('create-admin', ['--username', 'alice', '--if-missing'], {
      ADMIN_PASSWORD: `${password}-2`,
    });
    assert.equal(idempotent.code, 0, idempotent.stderr);
    assert.ok(await accounts.authenticate('alice', password));
  });

  it('asks for ADMIN_PASSWORD when there is no terminal to prompt on', async () => {
    const result = await run('create-admin', ['--username', 'alice'], {});
    assert.equal(result.code, 1);
    assert.match(result.stderr, /set ADMIN_PASSWORD/);
  });

  it('changes a password, and refuses an unknown account', async () => {
    await accounts.create('alice', password);
    const changed = await run('change-password', ['--username', 'alice'], {
      ADMIN_PASSWORD: `${password}-2`,
    });
    assert.equal(changed.code, 0, changed.stderr);
    assert.equal(await accounts.authenticate('alice', password), undefined);
    assert.ok(await accounts.authenticate('alice', `${password}-2`));
    const unknown = await run('change-password', ['--username', 'bob'], { ADMIN_PASSWORD: password });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no admin account "bob"/);
  });

  it('works on the embedded database, migrating it first', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'polls-admin-'));
    try {
      const result = await runCommand(
        'create-admin',
        { DATA_DIR: dataDir, ADMIN_PASSWORD: password },
        30_000,
        ['--username', 'alice'],
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /created the admin account "alice"/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
