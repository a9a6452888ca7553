import type { Knex } from 'knex';

export const maxFailures = 5;
export const failureWindow = 15 * 60 * 1000;

/** Counts failed logins in the database, so the limit holds across every replica. */
export class LoginThrottle {
  constructor(private readonly db: Knex) {}

  /** True when this username or this client has failed too often within the window. */
  async isBlocked(username: string, clientIp: string): Promise<boolean> {
    const since = new Date(Date.now() - failureWindow);
    const count = async (column: string, value: string) => {
      const row = await this.db('admin_login_failures')
        .where(column, value)
        .where('failed_at', '>', since)
        .count<{ count: string | number }>({ count: '*' })
        .first();
      return Number(row?.count ?? 0);
    };
    return (
      (await count('username', username)) >= maxFailures ||
      (await count('client_ip', clientIp)) >= maxFailures
    );
  }

  async recordFailure(username: string, clientIp: string): Promise<void> {
    await this.db('admin_login_failures').insert({ username, client_ip: clientIp, failed_at: new Date() });
  }

  async reset(username: string, clientIp: string): Promise<void> {
    await this.db('admin_login_failures').where({ username }).orWhere({ client_ip: clientIp }).delete();
  }
}
