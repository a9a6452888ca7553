import type { Knex } from 'knex';
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));
const migrationFile = /^(?<name>[^.]+)\.(ts|js)$/;

// Any fixed number shared by every process that migrates; "polls" in ASCII.
const migrationLockKey = 0x706f6c6c73;

interface Migration {
  readonly name: string;
  readonly file: string;
}

/**
 * Names migrations without their extension, so a schema migrated from the TypeScript sources (development)
 * and from the compiled build (the image) records the same names.
 */
class MigrationSource implements Knex.MigrationSource<Migration> {
  async getMigrations(): Promise<Migration[]> {
    return readdirSync(migrationsDir)
      .map((file) => ({ file, name: migrationFile.exec(file)?.groups?.name }))
      .filter((entry): entry is Migration => entry.name !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  getMigrationName(migration: Migration): string {
    return migration.name;
  }

  async getMigration(migration: Migration): Promise<Knex.Migration> {
    return (await import(pathToFileURL(migrationsDir + migration.file).href)) as Knex.Migration;
  }
}

const migrationSource = new MigrationSource();

/**
 * Rolling back a release must work after its successor migrated: the previous image starts against a schema
 * one release newer, and its `migrate` finds nothing to do. So migrations only expand the schema (a column or
 * table is dropped a release after the code stopped using it), and Knex is told not to refuse a database
 * that records migrations this code does not know, which it otherwise reports as a corrupt directory.
 */
const migratorConfig: Knex.MigratorConfig = {
  migrationSource,
  disableMigrationsListValidation: true,
};

export interface MigrationResult {
  readonly applied: readonly string[];
}

/**
 * Brings the schema up to date. On a server, an advisory lock serialises concurrent runners (Knex's own lock
 * table is racy across processes), so every runner exits cleanly and only the first does the work.
 */
export async function migrateToLatest(
  db: Knex,
  { serialise }: { serialise: boolean },
): Promise<MigrationResult> {
  // Most runs (every start of the embedded database, every release without a migration) find nothing to
  // do. Two small queries say so, where Knex's own run takes its lock table and loads every migration
  // (docs/benchmarks.md, "Start-up").
  if ((await pendingMigrations(db)).length === 0) return { applied: [] };
  if (!serialise) return { applied: (await db.migrate.latest(migratorConfig))[1] as string[] };
  return db.transaction(async (lockHolder) => {
    await lockHolder.raw('select pg_advisory_xact_lock(?)', [migrationLockKey]);
    const [, applied] = (await db.migrate.latest(migratorConfig)) as [number, string[]];
    return { applied };
  });
}

/** Names of migrations not applied yet, in order; empty when the schema is current. */
export async function pendingMigrations(db: Knex): Promise<string[]> {
  const known = await migrationSource.getMigrations();
  const applied = new Set(await appliedMigrations(db));
  return known.map((migration) => migration.name).filter((name) => !applied.has(name));
}

/** The names Knex recorded; its table exists from its first run on. */
async function appliedMigrations(db: Knex): Promise<string[]> {
  const { rows: tables } = await db.raw<{ rows: { exists: boolean }[] }>(
    `select to_regclass('knex_migrations') is not null as exists`,
  );
  if (!tables[0]?.exists) return [];
  const { rows } = await db.raw<{ rows: { name: string }[] }>('select name from knex_migrations');
  return rows.map((row) => row.name);
}
