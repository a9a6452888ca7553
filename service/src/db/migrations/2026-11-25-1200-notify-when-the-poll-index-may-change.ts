import type { Knex } from 'knex';

// Replicas keep the index's latest questions in memory; these triggers tell every one of them, at commit,
// that the list may have changed. Only columns the list depends on fire them: a vote (`votes`) or a new
// choice text never does. One statement-level notification per statement, and PostgreSQL folds identical
// notifications of one transaction into one.
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create function notify_poll_index_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('polls_index_changed', '');
      return null;
    end $$`);
  await knex.raw(`
    create trigger questions_notify_poll_index
    after insert or update of id, question_text, pub_date or delete or truncate on questions
    for each statement execute function notify_poll_index_changed()`);
  // A question without choices is not published, so adding, removing or moving a choice can change the list.
  await knex.raw(`
    create trigger choices_notify_poll_index
    after insert or update of question_id or delete or truncate on choices
    for each statement execute function notify_poll_index_changed()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger choices_notify_poll_index on choices');
  await knex.raw('drop trigger questions_notify_poll_index on questions');
  await knex.raw('drop function notify_poll_index_changed()');
}
