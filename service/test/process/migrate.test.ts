import assert from 'node:assert/strict';
import pg from 'pg';
import { createScratchDatabase } from '../support/postgres-server.js';
import { postgresServer } from '../support/databases.js';
import { runCommand } from '../support/commands.js';

describe('npm run migrate', () => {
  let database: { url: string; drop(): Promise<void> } | undefined;

  beforeEach(async function () {
    this.timeout(60_000);
    database = await createScratchDatabase((await postgresServer()).adminUrl, 'migrate');
  });
  afterEach(() => database?.drop());

  async function tablesOf(url: string): Promise<string[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ tablename: string }>(
        `select tablename from pg_tables where schemaname = 'public' order by tablename`,
      );
      return rows.map((row) => row.tablename);
    } finally {
      await client.end();
    }
  }

  it('lets 4 processes started at once on an empty database all exit 0, migrating it once', async function () {
    this.timeout(90_000);
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => runCommand('migrate', { DATABASE_URL: database!.url }, 60_000)),
    );
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const applied = runs.filter((run) => run.stdout.includes('applied:'));
    assert.equal(applied.length, 1, 'exactly one process applies the migrations');
    assert.deepEqual(await tablesOf(database!.url), [
      'admin_accounts',
      'admin_login_failures',
      'admin_login_throttle',
      'admin_sessions',
      'ballots',
      'choices',
      'knex_migrations',
      'knex_migrations_lock',
      'questions',
    ]);
  });

  it('is idempotent: a second run changes nothing and says so', async function () {
    this.timeout(60_000);
    assert.equal((await runCommand('migrate', { DATABASE_URL: database!.url })).code, 0);
    const again = await runCommand('migrate', { DATABASE_URL: database!.url });
    assert.equal(again.code, 0);
    assert.match(again.stdout, /already current/);
  });

  it('needs no SESSION_KEYS in production: it only talks to the database', async function () {
    this.timeout(60_000);
    const run = await runCommand('migrate', { NODE_ENV: 'production', DATABASE_URL: database!.url });
    assert.equal(run.code, 0, run.stderr);
  });

  it('exits 1 with one line naming DATABASE_URL when it is not a postgres URL', async () => {
    const run = await runCommand('migrate', { DATABASE_URL: 'mysql://user:hunter2@db/polls' });
    assert.equal(run.code, 1);
    assert.equal(run.stderr.trim().split('\n').length, 1);
    assert.match(run.stderr, /DATABASE_URL/);
    assert.doesNotMatch(run.stderr, /hunter2/);
  });
});
