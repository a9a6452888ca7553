import type { Knex } from 'knex';

const day = 24 * 60 * 60 * 1000;

export interface CreatedQuestion {
  readonly id: number;
  readonly choiceIds: readonly number[];
}

/** A question published `days` from now (negative: in the past), like the Django tutorial's helper. */
export async function createQuestion(
  db: Knex,
  text: string,
  days: number,
  choices: readonly string[] = ['Yes', 'No'],
): Promise<CreatedQuestion> {
  const [question] = await db('questions')
    .insert({ question_text: text, pub_date: new Date(Date.now() + days * day) })
    .returning<{ id: number }[]>('id');
  const rows = choices.length
    ? await db('choices')
        .insert(choices.map((choice) => ({ question_id: question!.id, choice_text: choice })))
        .returning<{ id: number }[]>('id')
    : [];
  return { id: question!.id, choiceIds: rows.map((row) => row.id) };
}

export async function votesOf(db: Knex, questionId: number): Promise<number[]> {
  const rows = await db('choices')
    .where({ question_id: questionId })
    .orderBy('id')
    .select<{ votes: string | number }[]>('votes');
  // bigint: a string from pg, a number from PGlite.
  return rows.map((row) => Number(row.votes));
}

/** The question's ballots, by voter. */
export async function ballotsOf(
  db: Knex,
  questionId: number,
): Promise<{ voter: string; choice_id: number }[]> {
  return db('ballots').where({ question_id: questionId }).orderBy('voter').select('voter', 'choice_id');
}
