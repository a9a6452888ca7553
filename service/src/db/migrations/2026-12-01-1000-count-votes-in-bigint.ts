import type { Knex } from 'knex';

// A choice at 2^31 - 1 votes made every vote of its batch fail. bigint only widens the column, so an older
// image still running against the migrated schema keeps working: it reads votes through json_build_object
// (a JSON number either way) or Number(), and adds integer increments to a bigint. Rewrites `choices` under
// an exclusive lock, which its size (a few rows per question) makes brief.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table choices alter column votes type bigint');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table choices alter column votes type integer');
}
