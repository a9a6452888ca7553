import type { Knex } from 'knex';
import {
  hashPassword,
  needsRehash,
  passwordCost,
  passwordProblem,
  verifyAgainstNothing,
  verifyPassword,
  type ScryptCost,
} from './passwords.js';

export interface Account {
  readonly id: number;
  readonly username: string;
}

export class PasswordRefused extends Error {}

/** Admin accounts; passwords go in only as hashes (made at `cost`) and never come back out. */
export class AccountsRepository {
  constructor(
    private readonly db: Knex,
    private readonly cost: ScryptCost = passwordCost,
  ) {}

  async exists(username: string): Promise<boolean> {
    return (await this.db('admin_accounts').where({ username }).first('id')) !== undefined;
  }

  async create(username: string, password: string): Promise<Account> {
    const [account] = await this.db('admin_accounts')
      .insert({ username, password_hash: await this.acceptedHash(password) })
      .returning<Account[]>(['id', 'username']);
    return account!;
  }

  /** Returns false when no such account exists. Changing a password ends the account's sessions. */
  async changePassword(username: string, password: string): Promise<boolean> {
    const passwordHash = await this.acceptedHash(password);
    return this.db.transaction(async (trx) => {
      const [account] = await trx('admin_accounts')
        .where({ username })
        .update({ password_hash: passwordHash })
        .returning<{ id: number }[]>('id');
      if (!account) return false;
      await trx('admin_sessions').where({ account_id: account.id }).delete();
      return true;
    });
  }

  /**
   * The account when the password is right; takes as long for an unknown username. A hash made at an older,
   * lower cost is replaced on the way, since this is the only moment the password is known.
   */
  async authenticate(username: string, password: string): Promise<Account | undefined> {
    const row = await this.db('admin_accounts')
      .where({ username })
      .first<{ id: number; username: string; password_hash: string } | undefined>(
        'id',
        'username',
        'password_hash',
      );
    if (!row) return verifyAgainstNothing(password, this.cost).then(() => undefined);
    if (!(await verifyPassword(password, row.password_hash))) return undefined;
    if (needsRehash(row.password_hash, this.cost)) {
      await this.db('admin_accounts')
        .where({ id: row.id, password_hash: row.password_hash })
        .update({ password_hash: await hashPassword(password, this.cost) });
    }
    return { id: row.id, username: row.username };
  }

  private async acceptedHash(password: string): Promise<string> {
    const problem = passwordProblem(password);
    if (problem) throw new PasswordRefused(problem);
    return hashPassword(password, this.cost);
  }
}
