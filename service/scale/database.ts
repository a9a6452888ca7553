import { connectToServer } from '../src/db/connect.js';
import { addDemoPollsIfEmpty } from '../src/db/demo-polls.js';
import { createScratchDatabase } from '../test/support/postgres-server.js';
import { startStoppablePostgres, type StoppablePostgres } from '../test/support/stoppable-postgres.js';
import { spawnServiceCommand } from './child.js';
import type { VoteTarget } from './load.js';
import type { Teardown } from './teardown.js';

export interface ScaleDatabase {
  readonly postgres: StoppablePostgres;
  readonly url: string;
  /** The server's version and its durability settings, for the report. */
  readonly description: string;
  /** Every choice of every published question. */
  readonly targets: readonly VoteTarget[];
}

/**
 * A PostgreSQL cluster of the scale test's own (the machine's server is never restarted), durable as in
 * production (fsync on), migrated by `npm run migrate`'s entry point as a release would be, and holding the
 * demo polls: three questions, ten choices, so a vote batch spans several rows.
 */
export async function startDatabase(teardown: Teardown): Promise<ScaleDatabase> {
  const postgres = await startStoppablePostgres({ durable: true });
  teardown.add({ name: 'PostgreSQL', gently: () => postgres.destroy(), now: () => postgres.destroyNow() });
  const { url } = await createScratchDatabase(postgres.adminUrl, 'scale');
  await migrate(url);
  const database = connectToServer(url);
  try {
    await addDemoPollsIfEmpty(database.knex);
    const targets = await database
      .knex('choices')
      .orderBy('id')
      .select<VoteTarget[]>({ questionId: 'question_id', choiceId: 'id' });
    const { rows } = await database.knex.raw<{ rows: { name: string; setting: string }[] }>(
      `select name, setting from pg_settings where name in ('server_version', 'fsync', 'synchronous_commit')`,
    );
    const settings = new Map(rows.map((row) => [row.name, row.setting]));
    const description = `PostgreSQL ${settings.get('server_version')} (fsync=${settings.get('fsync')}, synchronous_commit=${settings.get('synchronous_commit')})`;
    return { postgres, url, description, targets };
  } finally {
    await database.close();
  }
}

async function migrate(url: string): Promise<void> {
  const output: string[] = [];
  const migrator = spawnServiceCommand('migrate', 'migrate', { DATABASE_URL: url }, (line) =>
    output.push(line),
  );
  const exit = await migrator.exited;
  if (exit.code !== 0)
    throw new Error(`npm run migrate failed (${exit.code ?? exit.signal}): ${output.join(' ')}`);
}

/** choice id → votes, read after the run. */
export async function votesInDatabase(url: string): Promise<Map<number, number>> {
  const database = connectToServer(url);
  try {
    const rows = await database.knex('choices').select<{ id: number; votes: string }[]>('id', 'votes');
    // bigint, which pg returns as a string.
    return new Map(rows.map((row) => [row.id, Number(row.votes)]));
  } finally {
    await database.close();
  }
}
