import knex, { type Knex } from 'knex';
import ClientPGLite from 'knex-pglite';
import type { Config, DatabaseConfig, DatabaseSsl } from '../config.js';
import { openEmbeddedPostgres } from './embedded.js';

export interface Database {
  readonly knex: Knex;
  /** `embedded` is PGlite in DATA_DIR: one process, migrated on start. */
  readonly kind: 'server' | 'embedded';
  close(): Promise<void>;
}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.databaseUrl) return connectToServer(config.databaseUrl, config);
  const embedded = await openEmbeddedPostgres(config.dataDir);
  const db = knexOnPGlite(embedded.pglite);
  return {
    knex: db,
    kind: 'embedded',
    async close() {
      await db.destroy();
      embedded.release();
    },
  };
}

export function connectToServer(
  url: string,
  options: Pick<Config, 'databaseSsl' | 'databasePoolMax'> = { databaseSsl: 'disable', databasePoolMax: 10 },
): Database {
  const db = knex({
    client: 'pg',
    connection: { connectionString: url, ssl: sslOptions(options.databaseSsl) },
    pool: { min: 0, max: options.databasePoolMax, idleTimeoutMillis: 30_000 },
    // While the server is down, fail requests fast instead of queueing them for the default 60 s.
    acquireConnectionTimeout: 5_000,
  });
  return { knex: db, kind: 'server', close: () => db.destroy() };
}

/** Knex on an open PGlite instance (a single connection, so no pool). */
export function knexOnPGlite(pglite: object): Knex {
  return knex({
    client: ClientPGLite,
    dialect: 'postgres',
    connection: () => ({ pglite }) as Knex.StaticConnectionConfig,
    // A query on the root knex inside a transaction waits for the only connection: fail fast, not in 60 s.
    acquireConnectionTimeout: 10_000,
  });
}

function sslOptions(mode: DatabaseSsl): false | { rejectUnauthorized: boolean } {
  switch (mode) {
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-full':
      return { rejectUnauthorized: true };
  }
}
