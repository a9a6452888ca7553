import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('admin_accounts', (table) => {
    table.increments('id');
    table.string('username', 150).notNullable().unique('admin_accounts_username_key');
    table.string('password_hash', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // Sessions live in the database so every replica sees them and logout revokes them everywhere.
  await knex.schema.createTable('admin_sessions', (table) => {
    table.string('id', 64).primary();
    table.integer('account_id').notNullable().references('id').inTable('admin_accounts').onDelete('CASCADE');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('last_seen_at', { useTz: true }).notNullable();
    table.index(['account_id'], 'admin_sessions_account_id_idx');
  });
  // Failed logins, counted per username and per client address to throttle guessing across replicas.
  await knex.schema.createTable('admin_login_failures', (table) => {
    table.increments('id');
    table.string('username', 150).notNullable();
    table.string('client_ip', 64).notNullable();
    table.timestamp('failed_at', { useTz: true }).notNullable();
    table.index(['username', 'failed_at'], 'admin_login_failures_username_idx');
    table.index(['client_ip', 'failed_at'], 'admin_login_failures_client_ip_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('admin_login_failures');
  await knex.schema.dropTable('admin_sessions');
  await knex.schema.dropTable('admin_accounts');
}
