import { parseArgs } from 'node:util';
import { ConfigError, parseDatabaseConfig } from '../config.js';
import { openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrator.js';
import { AccountsRepository, PasswordRefused } from './accounts.js';
import { usernameProblem } from './credentials.js';
import { passwordProblem } from './passwords.js';

export interface AccountCommandOptions {
  readonly username: string;
  readonly ifMissing: boolean;
}

/** The plumbing shared by the account commands: arguments, the password, the database, exit codes. */
export function runAccountCommand(
  name: string,
  action: (
    accounts: AccountsRepository,
    options: AccountCommandOptions,
    password: () => Promise<string>,
  ) => Promise<string>,
): void {
  const main = async () => {
    const { values } = parseArgs({
      options: { username: { type: 'string' }, 'if-missing': { type: 'boolean', default: false } },
    });
    const username = values.username?.trim();
    if (!username) throw new UsageError(`usage: npm run ${name} -- --username NAME`);
    // The login form refuses names no account can have; creating one would fail in the database instead.
    const problem = usernameProblem(username);
    if (problem) throw new UsageError(problem);
    const database = await openDatabase(parseDatabaseConfig());
    try {
      // The embedded database migrates itself on start; do the same so this works before the first start.
      if (database.kind === 'embedded') await migrateToLatest(database.knex, { serialise: false });
      const message = await action(
        new AccountsRepository(database.knex),
        { username, ifMissing: values['if-missing'] },
        readPassword,
      );
      console.log(message);
    } finally {
      await database.close();
    }
  };
  main().catch((error: unknown) => {
    const known =
      error instanceof ConfigError || error instanceof UsageError || error instanceof PasswordRefused;
    console.error(`polls ${name}: ${known ? (error as Error).message : String(error)}`);
    process.exitCode = 1;
  });
}

export class UsageError extends Error {}

/** ADMIN_PASSWORD when set, otherwise typed twice on a terminal without echo. */
async function readPassword(): Promise<string> {
  const fromEnv = process.env.ADMIN_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return checked(fromEnv);
  if (!process.stdin.isTTY)
    throw new UsageError('set ADMIN_PASSWORD or run this on a terminal to type the password');
  const password = checked(await promptHidden('Password: '));
  if ((await promptHidden('Password (again): ')) !== password)
    throw new UsageError('the passwords do not match');
  return password;
}

function checked(password: string): string {
  const problem = passwordProblem(password);
  if (problem) throw new PasswordRefused(problem);
  return password;
}

function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(question);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (outcome: () => void) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      outcome();
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish(() => resolve(typed));
        if (char === '\u0003') return finish(() => reject(new UsageError('cancelled')));
        typed = char === '\u007f' || char === '\b' ? typed.slice(0, -1) : typed + char;
      }
    };
    input.on('data', onData);
  });
}
