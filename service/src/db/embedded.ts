import type { PGlite } from '@electric-sql/pglite';
import knex, { type Knex } from 'knex';
import ClientPGLite from 'knex-pglite';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import {
  clusterTemplate,
  copyCluster,
  installedPGliteVersion,
  templatesBesidePGlite,
} from './embedded-template.js';
import { withListeners, type Database } from './database.js';
import { listenOnPGlite } from './listener.js';
import { isRunning } from './process-running.js';

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

export interface EmbeddedPostgres {
  readonly pglite: PGlite;
  /** Frees the data directory for another process; call it after the database is closed. */
  release(): void;
}

/**
 * Opens PGlite in `dataDir`, holding a lock file: two processes on one directory silently lose writes. A new
 * directory starts as a copy of the template kept in `templateDir` (undefined: beside the installed PGlite).
 */
export async function openEmbeddedPostgres(
  dataDir: string,
  templateDir: string | undefined,
): Promise<EmbeddedPostgres> {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = lockDataDir(dataDir);
  try {
    const pgdata = path.join(dataDir, 'pgdata');
    if (!existsSync(pgdata)) copyCluster(await embeddedTemplate(templateDir), pgdata);
    const pglite = await openPGlite(pgdata);
    return {
      pglite,
      release: () => rmSync(lockFile, { force: true }),
    };
  } catch (error) {
    rmSync(lockFile, { force: true });
    throw error;
  }
}

/**
 * The template new data directories are copied from: PGlite's initdb takes seconds of WebAssembly, a copy
 * a fraction of one (docs/benchmarks.md, "Start-up"). `npm ci` makes it (the root package's `prepare`), so the
 * first `npm start` of a fresh clone only copies it; without one, the first start to need it makes it.
 */
export function embeddedTemplate(templateDir = templatesBesidePGlite()): Promise<string> {
  return clusterTemplate({
    dir: templateDir,
    version: installedPGliteVersion(),
    async make(pgdata) {
      const pglite = await openPGlite(pgdata);
      await pglite.close();
    },
  });
}

/**
 * PGlite's default, initdb's 128 MB of shared buffers, is zeroed by WebAssembly on every open, a large part of
 * a start (docs/benchmarks.md, "Start-up"). A local database of a few polls needs far less.
 */
const sharedBuffers = '16MB';

async function openPGlite(pgdata: string): Promise<PGlite> {
  // Imported here, not above: loaded on first use, never by a process on DATABASE_URL (service/bundle.mjs).
  const { PGlite } = await import('@electric-sql/pglite');
  return PGlite.create(pgdata, {
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`],
  });
}

function lockDataDir(dataDir: string): string {
  const lockFile = path.join(dataDir, 'polls.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return lockFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockFile, 'utf8'));
      // Our own pid in the file is a previous life of this container's PID 1, not a live holder.
      if (holder !== process.pid && isRunning(holder)) {
        throw new Error(
          `DATA_DIR ${dataDir} is in use by process ${holder}; stop it or set another DATA_DIR`,
        );
      }
      rmSync(lockFile, { force: true }); // left behind by a process that died
    }
  }
  throw new Error(`DATA_DIR ${dataDir}: could not take the lock file ${lockFile}`);
}
