import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connectToServer } from '../../src/db/connect.js';
import type { Database } from '../../src/db/database.js';
import { migrateToLatest, pendingMigrations } from '../../src/db/migrator.js';
import { Readiness } from '../../src/health/readiness.js';
import { postgresServer } from '../support/databases.js';
import { createScratchDatabase } from '../support/postgres-server.js';

const run = promisify(execFile);
const migrateBin = fileURLToPath(new URL('../../src/bin/migrate.ts', import.meta.url));

/** A migration of the next release: applied to the database, unknown to the code under test. */
const nextReleaseMigration = '2099-01-01-0000-a-migration-of-the-next-release';

/** Tables, columns and the recorded migrations: what a migration run could change. */
async function schemaSnapshot(database: Database): Promise<unknown> {
  const columns = await database.knex.raw(
    `select table_name, column_name, data_type from information_schema.columns
     where table_schema = 'public' order by table_name, column_name`,
  );
  const migrations = await database.knex('knex_migrations').select('name').orderBy('name');
  return { columns: columns.rows, migrations };
}

describe('rolling back to the previous release after its successor migrated', function () {
  this.timeout(60_000);
  let database: Database;
  let scratch: { url: string; drop(): Promise<unknown> };
  let schemaBefore: unknown;

  before(async () => {
    scratch = await createScratchDatabase((await postgresServer()).adminUrl, 'rollback');
    database = connectToServer(scratch.url);
    await migrateToLatest(database.knex, { serialise: true });
    // The next release migrated the schema (expanding it): its migration is recorded, this code lacks it.
    await database.knex('knex_migrations').insert({
      name: nextReleaseMigration,
      batch: 99,
      migration_time: new Date(),
    });
    schemaBefore = await schemaSnapshot(database);
  });

  after(async () => {
    await database?.close();
    await scratch?.drop();
  });

  it('migrates nothing and reports nothing pending', async () => {
    assert.deepEqual(await migrateToLatest(database.knex, { serialise: true }), { applied: [] });
    assert.deepEqual(await pendingMigrations(database.knex), []);
    assert.deepEqual(await schemaSnapshot(database), schemaBefore);
  });

  it('is ready to serve', async () => {
    const report = await new Readiness(database.knex).check();
    assert.equal(report.ready, true, JSON.stringify(report.checks));
  });

  it('runs the migrate command to exit 0 without changing the schema', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', migrateBin], {
      env: { ...process.env, DATABASE_URL: scratch.url, DATABASE_SSL: 'disable' },
    });
    assert.match(stdout, /the schema is already current/);
    assert.deepEqual(await schemaSnapshot(database), schemaBefore);
  });
});
