import type { Knex } from 'knex';

// One row per client address (username '') and per (address, username): failures counted and a lock-out
// time that grows with them, so an attacker's address cannot lock an account out for everyone else. A row is
// locked while an attempt is reserved, so parallel attempts cannot all pass the check. The old
// admin_login_failures table stays for images of the previous release during a rollout; a later release
// drops it.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('admin_login_throttle', (table) => {
    // An IPv6 address in text is at most 45 characters; usernames are at most 150 (admin_accounts).
    table.string('client_ip', 45).notNullable();
    table.string('username', 150).notNullable();
    table.integer('failures').notNullable();
    table.timestamp('blocked_until', { useTz: true });
    table.timestamp('last_failure_at', { useTz: true }).notNullable();
    table.primary(['client_ip', 'username'], { constraintName: 'admin_login_throttle_pkey' });
    // Rows of addresses that never came back are deleted by age.
    table.index(['last_failure_at'], 'admin_login_throttle_last_failure_at_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('admin_login_throttle');
}
