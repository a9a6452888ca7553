import type { Knex } from 'knex';

// Questions gain a voting rule and a closing time; ballots record who voted, so a repeat vote counts nothing.
// Questions that exist keep the tutorial's rule their voters were given (any number of votes); the column's
// default then becomes one vote per browser, so every question written after, by any code, takes that.
// Only additions: a release still running the older code keeps counting votes as it did, writing no ballots.
export async function up(knex: Knex): Promise<void> {
  // The rules of polls/voting-rules.ts as they were when written: a migration never changes with the code.
  await knex.raw(`
    alter table questions
      add column voting_rule text not null default 'any-number' constraint questions_voting_rule_known
        check (voting_rule in ('any-number', 'one-per-browser', 'one-per-browser-and-address')),
      add column closes_at timestamptz null`);
  await knex.raw(`alter table questions alter column voting_rule set default 'one-per-browser'`);
  // One row per counted vote under a rule that limits votes: the voter's browser (its random cookie id) and,
  // under the address rule, a keyed hash of its network address, each unique per question. A ballot goes
  // with its choice, whose votes it is one of, and so with its question. Only that one foreign key: each is
  // checked for every ballot written, and the vote's statement has matched the question to the choice.
  await knex.raw(`
    create table ballots (
      question_id integer not null,
      voter uuid not null,
      address_hash bytea null,
      choice_id integer not null references choices (id) on delete cascade,
      constraint ballots_one_per_voter primary key (question_id, voter)
    )`);
  await knex.raw(`
    create unique index ballots_one_per_address on ballots (question_id, address_hash)
    where address_hash is not null`);
  // Deleting a choice, or resetting its votes, finds its ballots by this.
  await knex.raw('create index ballots_choice_id_idx on ballots (choice_id)');
  // Replicas keep questions in memory (the index, the vote form): a changed rule or closing time is
  // announced like the other columns of migration 2026-11-25-1200.
  await replaceQuestionsTrigger(knex, 'id, question_text, pub_date, voting_rule, closes_at');
}

export async function down(knex: Knex): Promise<void> {
  await replaceQuestionsTrigger(knex, 'id, question_text, pub_date');
  await knex.raw('drop table ballots');
  await knex.raw('alter table questions drop column voting_rule, drop column closes_at');
}

async function replaceQuestionsTrigger(knex: Knex, columns: string): Promise<void> {
  await knex.raw('drop trigger questions_notify_poll_index on questions');
  await knex.raw(`
    create trigger questions_notify_poll_index
    after insert or update of ${columns} or delete or truncate on questions
    for each statement execute function notify_poll_index_changed()`);
}
