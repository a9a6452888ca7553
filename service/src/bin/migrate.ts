import { ConfigError, parseDatabaseConfig } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrator.js';

/** `npm run migrate`: brings the schema of DATABASE_URL (or the embedded database) up to date. */
async function main(): Promise<void> {
  const config = parseDatabaseConfig();
  const database = await openDatabase(config);
  try {
    const { applied } = await migrateToLatest(database.knex, { serialise: database.kind === 'server' });
    console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'the schema is already current');
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  const problem = error instanceof ConfigError ? `invalid configuration: ${error.message}` : String(error);
  console.error(`polls migrate: ${problem}`);
  process.exitCode = 1;
});
