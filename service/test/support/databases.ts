import { PGlite } from '@electric-sql/pglite';
import { connectToServer } from '../../src/db/connect.js';
import type { Database } from '../../src/db/database.js';
import { databaseOnPGlite } from '../../src/db/embedded.js';
import { migrateToLatest } from '../../src/db/migrator.js';
import { createScratchDatabase, startPostgresServer, type PostgresServer } from './postgres-server.js';

/** A migrated database a suite runs against; `reset` empties every table between tests. */
export interface TestDatabase extends Pick<Database, 'knex' | 'listen'> {
  reset(): Promise<void>;
}

export interface DatabaseTarget {
  readonly name: string;
  open(): Promise<TestDatabase>;
}

// One database of each kind per mocha process, opened on first use and closed at the end of the run:
// PGlite takes seconds to start, an emptied table takes milliseconds.
const opened = new Map<string, Promise<{ database: TestDatabase; close(): Promise<void> }>>();

function once(name: string, open: () => Promise<{ database: TestDatabase; close(): Promise<void> }>) {
  return async () => {
    if (!opened.has(name)) opened.set(name, open());
    return (await opened.get(name)!).database;
  };
}

async function migrated(database: Database): Promise<TestDatabase> {
  const { knex } = database;
  await migrateToLatest(knex, { serialise: false });
  const { rows } = await knex.raw<{ rows: { tablename: string }[] }>(
    `select tablename from pg_tables where schemaname = 'public' and tablename not like 'knex_migrations%'`,
  );
  const tables = rows.map((row) => `"${row.tablename}"`).join(', ');
  return {
    knex,
    listen: (channel) => database.listen(channel),
    reset: () => knex.raw(`truncate ${tables} restart identity cascade`).then(() => undefined),
  };
}

let server: Promise<PostgresServer> | undefined;

/** The real PostgreSQL server the suite uses (TEST_DATABASE_URL, or one it starts). */
export function postgresServer(): Promise<PostgresServer> {
  server ??= startPostgresServer();
  return server;
}

export const embeddedTarget: DatabaseTarget = {
  name: 'embedded PGlite',
  open: once('embedded', async () => {
    const database = databaseOnPGlite(await PGlite.create());
    return { database: await migrated(database), close: () => database.close() };
  }),
};

export const serverTarget: DatabaseTarget = {
  name: 'PostgreSQL server',
  open: once('server', async () => {
    const scratch = await createScratchDatabase((await postgresServer()).adminUrl, 'test');
    const database = connectToServer(scratch.url);
    return {
      database: await migrated(database),
      async close() {
        await database.close();
        await scratch.drop();
      },
    };
  }),
};

/**
 * Every suite that touches the database runs once per target: both, unless TEST_DATABASES names one
 * (`embedded` or `server`; the tier scripts in package.json set it).
 */
export const databaseTargets: readonly DatabaseTarget[] = chosenTargets(process.env.TEST_DATABASES);

/** `describe` for suites that need the PostgreSQL server itself; skipped when TEST_DATABASES leaves it out. */
export const describeOnServer = databaseTargets.includes(serverTarget) ? describe : describe.skip;

function chosenTargets(setting: string | undefined): DatabaseTarget[] {
  if (setting === undefined || setting === '') return [embeddedTarget, serverTarget];
  const byName: Record<string, DatabaseTarget> = { embedded: embeddedTarget, server: serverTarget };
  if (!Object.hasOwn(byName, setting)) {
    throw new Error(`TEST_DATABASES must be "embedded" or "server" (or unset for both), not "${setting}"`);
  }
  return [byName[setting]!];
}

// A root hook: after every test file has run, close what was opened.
after(async function () {
  this.timeout(30_000);
  for (const entry of opened.values()) await (await entry).close();
  if (server) await (await server).stop();
});
