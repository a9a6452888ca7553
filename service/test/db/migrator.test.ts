import { PGlite } from '@electric-sql/pglite';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { connectToServer } from '../../src/db/connect.js';
import type { Database } from '../../src/db/database.js';
import { databaseOnPGlite } from '../../src/db/embedded.js';
import { migrateToLatest, pendingMigrations } from '../../src/db/migrator.js';
import { databaseTargets, embeddedTarget, postgresServer, serverTarget } from '../support/databases.js';
import { createScratchDatabase } from '../support/postgres-server.js';

const migrationsDir = new URL('../../src/db/migrations/', import.meta.url);
const migrationNames = readdirSync(migrationsDir)
  .map((file) => file.replace(/\.ts$/, ''))
  .sort();
const newest = migrationNames.at(-1)!;

/** Whether the table that the newest migration creates is there. */
async function hasBallots(database: Database): Promise<boolean> {
  const { rows } = await database.knex.raw<{ rows: { found: boolean }[] }>(
    `select to_regclass('ballots') is not null as found`,
  );
  return rows[0]!.found;
}

/** An empty database of each kind, for this suite alone: the shared test databases are migrated already. */
const emptyDatabases = [
  {
    target: embeddedTarget,
    open: async () => ({ database: databaseOnPGlite(await PGlite.create()), drop: async () => {} }),
  },
  {
    target: serverTarget,
    open: async () => {
      const scratch = await createScratchDatabase((await postgresServer()).adminUrl, 'migrator');
      return { database: connectToServer(scratch.url), drop: () => scratch.drop() };
    },
  },
].filter(({ target }) => databaseTargets.includes(target));

for (const { target, open } of emptyDatabases) {
  describe(`migrating, on the ${target.name}`, function () {
    this.timeout(60_000);
    let database: Database;
    let drop: () => Promise<unknown>;

    before(async () => {
      ({ database, drop } = await open());
    });

    after(async () => {
      await database?.close();
      await drop?.();
    });

    it('finds every migration pending on an empty database, before Knex made its table', async () => {
      assert.deepEqual(await pendingMigrations(database.knex), migrationNames);
    });

    it('applies them all in order, then finds nothing pending', async () => {
      // Serialised as `npm run migrate` does it: on a server only (PGlite has one connection to hold).
      assert.deepEqual(await migrateToLatest(database.knex, { serialise: database.kind === 'server' }), {
        applied: migrationNames,
      });
      assert.deepEqual(await pendingMigrations(database.knex), []);
      assert.equal(await hasBallots(database), true);
    });

    it('applies a migration that a database lacks, and only that one', async () => {
      const migration = (await import(new URL(`${newest}.ts`, migrationsDir).href)) as {
        down(knex: Database['knex']): Promise<void>;
      };
      await migration.down(database.knex);
      await database.knex('knex_migrations').where({ name: newest }).delete();
      assert.equal(await hasBallots(database), false);
      assert.deepEqual(await pendingMigrations(database.knex), [newest]);

      assert.deepEqual(await migrateToLatest(database.knex, { serialise: false }), { applied: [newest] });
      assert.equal(await hasBallots(database), true);
    });

    it('changes nothing when nothing is pending', async () => {
      const recorded = await database.knex('knex_migrations').count({ count: '*' }).first();
      assert.deepEqual(await migrateToLatest(database.knex, { serialise: database.kind === 'server' }), {
        applied: [],
      });
      assert.deepEqual(await database.knex('knex_migrations').count({ count: '*' }).first(), recorded);
    });
  });
}
