import type { Knex } from 'knex';
import type { VotingRule } from '../polls/voting-rules.js';
import { formatPubDate, parseClosesAt, parsePubDate, type QuestionForm } from './question-form.js';

/** Loads and saves one question with its choices; every save is one transaction. */
export class QuestionEditor {
  /** `afterWrite` runs once a save or delete has committed. */
  constructor(
    private readonly db: Knex,
    private readonly afterWrite: () => void,
  ) {}

  async load(id: number): Promise<QuestionForm | undefined> {
    const question = await this.db('questions')
      .where({ id })
      .first<
        { question_text: string; pub_date: Date; voting_rule: VotingRule; closes_at: Date | null } | undefined
      >('question_text', 'pub_date', 'voting_rule', 'closes_at');
    if (!question) return undefined;
    const choices = await this.db('choices')
      .where({ question_id: id })
      .orderBy('id')
      .select<{ id: number; choice_text: string; votes: string | number }[]>('id', 'choice_text', 'votes');
    return {
      questionText: question.question_text,
      pubDate: formatPubDate(new Date(question.pub_date)),
      votingRule: question.voting_rule,
      closesAt: question.closes_at ? formatPubDate(new Date(question.closes_at)) : '',
      choices: choices.map((c) => ({
        id: c.id,
        text: c.choice_text,
        // bigint: a string from pg, a number from PGlite.
        votes: Number(c.votes),
        remove: false,
        resetVotes: false,
      })),
    };
  }

  /** Saves a validated form; returns the question's id, or undefined when the question no longer exists. */
  async save(id: number | undefined, form: QuestionForm): Promise<number | undefined> {
    const fields = {
      question_text: form.questionText,
      pub_date: parsePubDate(form.pubDate),
      ...(form.votingRule !== '' && { voting_rule: form.votingRule }),
      closes_at: parseClosesAt(form.closesAt),
    };
    const saved = await this.db.transaction(async (trx) => {
      const [row] =
        id === undefined
          ? await trx('questions').insert(fields).returning<{ id: number }[]>('id')
          : await trx('questions').where({ id }).update(fields).returning<{ id: number }[]>('id');
      if (!row) return undefined;
      for (const choice of form.choices) {
        const own = trx('choices').where({ id: choice.id, question_id: row.id });
        if (choice.id !== undefined && choice.remove) await own.delete();
        else if (choice.id !== undefined) {
          await own.update({ choice_text: choice.text, ...(choice.resetVotes ? { votes: 0 } : {}) });
          // A ballot is one of its choice's votes: with the votes gone, its voters may vote again.
          if (choice.resetVotes)
            await trx('ballots').where({ choice_id: choice.id, question_id: row.id }).delete();
        } else if (choice.text && !choice.remove)
          await trx('choices').insert({ question_id: row.id, choice_text: choice.text });
      }
      return row.id;
    });
    this.afterWrite();
    return saved;
  }

  /** Deletes a question; its choices go with it (ON DELETE CASCADE). */
  async delete(id: number): Promise<boolean> {
    // `returning` rather than the affected-row count, which the PGlite driver does not report.
    const deleted = await this.db('questions').where({ id }).delete().returning<{ id: number }[]>('id');
    this.afterWrite();
    return deleted.length > 0;
  }

  async textOf(id: number): Promise<string | undefined> {
    const row = await this.db('questions')
      .where({ id })
      .first<{ question_text: string } | undefined>('question_text');
    return row?.question_text;
  }
}
