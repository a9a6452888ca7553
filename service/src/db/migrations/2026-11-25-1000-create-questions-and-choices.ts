import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('questions', (table) => {
    table.increments('id');
    table.string('question_text', 200).notNullable();
    table.timestamp('pub_date', { useTz: true }).notNullable();
    // The index page lists the latest questions.
    table.index(['pub_date'], 'questions_pub_date_idx');
  });
  await knex.schema.createTable('choices', (table) => {
    table.increments('id');
    table.integer('question_id').notNullable().references('id').inTable('questions').onDelete('CASCADE');
    table.string('choice_text', 200).notNullable();
    table.integer('votes').notNullable().defaultTo(0);
    table.check('votes >= 0', [], 'choices_votes_not_negative');
    table.index(['question_id'], 'choices_question_id_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('choices');
  await knex.schema.dropTable('questions');
}
