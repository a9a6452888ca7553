import type { PGlite } from '@electric-sql/pglite';
import knex, { type Knex } from 'knex';
import ClientPGLite from 'knex-pglite';
import { withListeners, type Database } from './connect.js';
import { openEmbeddedPostgres } from './embedded.js';
import { listenOnPGlite } from './listener.js';

/**
 * The embedded PGlite in `dataDir` (a new one copied from the template kept in `templateDir`), held by this
 * process alone until the database is closed.
 */
export async function openEmbeddedDatabase(
  dataDir: string,
  templateDir: string | undefined,
): Promise<Database> {
  const embedded = await openEmbeddedPostgres(dataDir, templateDir);
  return databaseOnPGlite(embedded.pglite, () => embedded.release());
}

/** A database on an open PGlite instance; `release` runs once it is closed. */
export function databaseOnPGlite(pglite: PGlite, release: () => void = () => {}): Database {
  const db = knex({
    client: ClientPGLite,
    dialect: 'postgres',
    connection: () => ({ pglite }) as Knex.StaticConnectionConfig,
    // A query on the root knex inside a transaction waits for the only connection: fail fast, not in 60 s.
    acquireConnectionTimeout: 10_000,
  });
  return withListeners('embedded', db, (channel) => listenOnPGlite(pglite, channel), release);
}
