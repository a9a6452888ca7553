import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Context } from 'koa';
import { SiteCookie } from '../web/site-cookie.js';
import type { Account } from './accounts.js';

const cookie = new SiteCookie('polls_admin_session');
const minute = 60 * 1000;
export const idleTimeout = 2 * 60 * minute;
export const absoluteTimeout = 12 * 60 * minute;

/**
 * Admin sessions kept in the database: the cookie carries only a random, signed id, so every replica reads
 * the same sessions and logging out revokes one everywhere at once.
 */
export class SessionStore {
  constructor(private readonly db: Knex) {}

  async start(ctx: Context, account: Account): Promise<void> {
    const id = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.db('admin_sessions').insert({
      id,
      account_id: account.id,
      created_at: now,
      last_seen_at: now,
    });
    cookie.set(ctx, id);
  }

  /** The signed-in account, refreshing the idle timer; undefined when the session is missing or expired. */
  async current(ctx: Context): Promise<Account | undefined> {
    const id = cookie.get(ctx);
    if (!id) return undefined;
    const now = Date.now();
    const [row] = await this.db('admin_sessions')
      .where('admin_sessions.id', id)
      .where('last_seen_at', '>', new Date(now - idleTimeout))
      .where('created_at', '>', new Date(now - absoluteTimeout))
      .update({ last_seen_at: new Date(now) })
      .returning<{ account_id: number }[]>('account_id');
    if (!row) return undefined;
    return this.db('admin_accounts')
      .where({ id: row.account_id })
      .first<Account | undefined>('id', 'username');
  }

  async end(ctx: Context): Promise<void> {
    const id = cookie.get(ctx);
    if (id) await this.db('admin_sessions').where({ id }).delete();
    cookie.clear(ctx);
  }
}
