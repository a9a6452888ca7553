import type { Knex } from 'knex';

const hour = 60 * 60 * 1000;

const demoPolls = [
  { question: "What's new?", ageHours: 2, choices: ['Not much', 'The sky', 'Just hacking again'] },
  {
    question: 'Which editor do you use?',
    ageHours: 30,
    choices: ['Vim', 'Emacs', 'VS Code', 'Something else'],
  },
  { question: 'Tabs or spaces?', ageHours: 72, choices: ['Tabs', 'Spaces', 'Whatever the formatter says'] },
];

/** Gives a fresh embedded database a few polls to look at; leaves a database with any question alone. */
export async function addDemoPollsIfEmpty(db: Knex, now = new Date()): Promise<number> {
  return db.transaction(async (trx) => {
    const existing = await trx('questions').first('id');
    if (existing) return 0;
    for (const poll of demoPolls) {
      const [question] = await trx('questions')
        .insert({ question_text: poll.question, pub_date: new Date(now.getTime() - poll.ageHours * hour) })
        .returning<{ id: number }[]>('id');
      await trx('choices').insert(
        poll.choices.map((text) => ({ question_id: question!.id, choice_text: text })),
      );
    }
    return demoPolls.length;
  });
}
