import type { Knex } from 'knex';

const minute = 60 * 1000;

/** Failed logins one address may make for one username before it is locked out. */
export const maxFailuresPerAccount = 5;
/** Failed logins one address may make across usernames (several editors may share an office's address). */
export const maxFailuresPerAddress = 20;
/** The first lock-out; each further failure after it doubles the time, up to `forgetAfter`. */
export const firstLockout = 15 * minute;
/** A key without a failure for this long starts again from zero. */
export const forgetAfter = 24 * 60 * minute;

export type Reservation =
  /** `addressFailures`: this address's failures before this attempt, across usernames. */
  | { readonly allowed: true; readonly addressFailures: number }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

interface ThrottleRow {
  readonly username: string;
  readonly failures: number;
  readonly blocked_until: Date | string | null;
  readonly last_failure_at: Date | string;
}

const table = 'admin_login_throttle';
// The row of the address as a whole; no account has an empty username.
const wholeAddress = '';

/**
 * Login throttling kept in the database, so it holds across replicas. Every attempt is counted as a failure
 * before its password is checked (under a row lock, so parallel attempts cannot all pass), and a success
 * takes it back: at most the limit is ever checked per lock-out. Counted per address and per (address,
 * username), never per username alone: an attacker locks out only their own address.
 */
export class LoginThrottle {
  constructor(private readonly db: Knex) {}

  async reserve(username: string, address: string, now = new Date()): Promise<Reservation> {
    // A locked-out address is answered with one read: a flood of refused attempts writes nothing.
    const locked = await this.lockedUntil(username, address, now);
    if (locked) return refusal(locked, now);
    return this.db.transaction(async (trx) => {
      // A count lost in a database crash costs an attacker's few attempts; waiting for the disk at every
      // attempt would make a login flood queue the votes' commits behind its own.
      await trx.raw('set local synchronous_commit = off');
      await trx(table)
        .where('last_failure_at', '<', new Date(now.getTime() - forgetAfter))
        .delete();
      const keys = [wholeAddress, username];
      await trx(table)
        .insert(
          keys.map((name) => ({ client_ip: address, username: name, failures: 0, last_failure_at: now })),
        )
        .onConflict(['client_ip', 'username'])
        .ignore();
      // Always in the same order (the address row first), so two attempts cannot deadlock.
      const rows = await trx(table)
        .where({ client_ip: address })
        .whereIn('username', keys)
        .orderBy('username')
        .forUpdate()
        .select<ThrottleRow[]>('username', 'failures', 'blocked_until', 'last_failure_at');
      const lockedRow = rows.find((row) => row.blocked_until !== null && new Date(row.blocked_until) > now);
      if (lockedRow) return refusal(new Date(lockedRow.blocked_until!), now);
      let addressFailures = 0;
      for (const row of rows) {
        if (row.username === wholeAddress) addressFailures = row.failures;
        const failures = row.failures + 1;
        const limit = row.username === wholeAddress ? maxFailuresPerAddress : maxFailuresPerAccount;
        await trx(table)
          .where({ client_ip: address, username: row.username })
          .update({ failures, blocked_until: lockoutEnd(failures, limit, now), last_failure_at: now });
      }
      return { allowed: true, addressFailures } as const;
    });
  }

  /** Takes back the attempt that succeeded, with the failures before it, for this address and username. */
  async succeeded(username: string, address: string): Promise<void> {
    await this.db(table).where({ client_ip: address }).whereIn('username', [wholeAddress, username]).delete();
  }

  private async lockedUntil(username: string, address: string, now: Date): Promise<Date | undefined> {
    const row = await this.db(table)
      .where({ client_ip: address })
      .whereIn('username', [wholeAddress, username])
      .where('blocked_until', '>', now)
      .max<{ until: Date | string | null }>({ until: 'blocked_until' })
      .first();
    return row?.until ? new Date(row.until) : undefined;
  }
}

/** When a key with `failures` failures is free again: none below the limit, then doubling from 15 minutes. */
export function lockoutEnd(failures: number, limit: number, now: Date): Date | null {
  if (failures < limit) return null;
  const lockout = Math.min(firstLockout * 2 ** Math.min(failures - limit, 16), forgetAfter);
  return new Date(now.getTime() + lockout);
}

function refusal(until: Date, now: Date): Reservation {
  return {
    allowed: false,
    retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)),
  };
}
