import type { Knex } from 'knex';

// Replicas now keep published questions with their choices' texts in memory (the detail page), so a choice
// text edit must be announced too, on the channel of migration 2026-11-25-1200. Only more notifications:
// a release still running the older code is unaffected.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('drop trigger choices_notify_poll_index on choices');
  await knex.raw(`
    create trigger choices_notify_poll_index
    after insert or update of question_id, choice_text or delete or truncate on choices
    for each statement execute function notify_poll_index_changed()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger choices_notify_poll_index on choices');
  await knex.raw(`
    create trigger choices_notify_poll_index
    after insert or update of question_id or delete or truncate on choices
    for each statement execute function notify_poll_index_changed()`);
}
