import { isVotingRule, type VotingRule } from '../polls/voting-rules.js';
import { parseId } from '../web/ids.js';

export interface ChoiceRow {
  readonly id?: number;
  /** True when the submitted row was not a set of fields (`null`, a number…): the form is refused. */
  readonly malformed?: boolean;
  readonly text: string;
  readonly votes: number;
  readonly remove: boolean;
  readonly resetVotes: boolean;
}

export interface QuestionForm {
  readonly questionText: string;
  readonly pubDate: string;
  /**
   * As submitted; validation refuses anything but a known rule or nothing. Nothing (a form of a release
   * before rules, during a rolling deploy) keeps the question's rule, or gives a new one the default.
   */
  readonly votingRule: VotingRule | '' | string;
  /** A `datetime-local` value in UTC, or empty: the poll never closes. */
  readonly closesAt: string;
  readonly choices: readonly ChoiceRow[];
}

export type FormErrors = Record<string, string>;

const maxTextLength = 200;
export const newQuestionRows = 3;

/** Reads the submitted form as it was typed, so a refused form comes back with the user's input intact. */
export function readQuestionForm(body: Record<string, unknown>): QuestionForm {
  const submitted: unknown = body.choices;
  // A form sends `choices[0][text]`, which arrives as an array or an object of rows; anything else sent in its
  // place is one malformed row, so the form is refused rather than saved without choices.
  const rows: unknown[] =
    submitted === undefined
      ? []
      : Array.isArray(submitted)
        ? submitted
        : typeof submitted === 'object' && submitted !== null
          ? Object.values(submitted)
          : [submitted];
  const choices = rows.map((row): ChoiceRow => {
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      return { ...blankRows(1)[0]!, malformed: true };
    const fields = row as Record<string, unknown>;
    const id =
      typeof fields.id === 'string' || typeof fields.id === 'number' ? parseId(String(fields.id)) : undefined;
    return {
      ...(id === undefined ? {} : { id }),
      text: typeof fields.text === 'string' ? fields.text.trim() : '',
      votes: Number(fields.votes) || 0,
      remove: fields.remove === 'on',
      resetVotes: fields.reset === 'on',
    };
  });
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  return {
    questionText: text(body.question_text),
    pubDate: text(body.pub_date),
    votingRule: text(body.voting_rule),
    closesAt: text(body.closes_at),
    choices,
  };
}

/** Messages keyed by field name; empty when the form can be saved. */
export function validateQuestionForm(form: QuestionForm): FormErrors {
  const errors: FormErrors = {};
  if (!form.questionText) errors.question_text = 'Enter the question.';
  else if (form.questionText.length > maxTextLength)
    errors.question_text = `Keep the question under ${maxTextLength + 1} characters.`;
  if (parsePubDate(form.pubDate) === undefined)
    errors.pub_date = 'Enter the publication date and time, like 2026-11-25T09:30 (UTC).';
  if (form.votingRule !== '' && !isVotingRule(form.votingRule))
    errors.voting_rule = 'Choose how many votes a voter may cast.';
  const closesAt = form.closesAt === '' ? null : parsePubDate(form.closesAt);
  const pubDate = parsePubDate(form.pubDate);
  if (closesAt === undefined)
    errors.closes_at = 'Enter the closing date and time, like 2026-11-25T18:00 (UTC), or leave it empty.';
  else if (closesAt && pubDate && closesAt <= pubDate)
    errors.closes_at = 'Close the poll after its publication date.';
  form.choices.forEach((choice, index) => {
    if (choice.malformed) errors[`choice-${index}`] = 'This choice was not sent as a form row.';
    if (choice.remove || choice.malformed) return;
    if (choice.id !== undefined && !choice.text)
      errors[`choice-${index}`] = 'Enter a text for this choice, or tick Remove.';
    else if (choice.text.length > maxTextLength)
      errors[`choice-${index}`] = `Keep the choice under ${maxTextLength + 1} characters.`;
  });
  return errors;
}

const pubDateFormat = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
// PostgreSQL's timestamptz reaches further, but a poll before 1900 or after 9999 is a typing mistake.
const firstYear = 1900;

/**
 * A `datetime-local` value read as UTC, the time zone every admin page shows; undefined unless it names a
 * real moment: JavaScript would roll 2026-02-31 over to 3 March and read year 0000 as 1 BC.
 */
export function parsePubDate(value: string): Date | undefined {
  const parts = pubDateFormat
    .exec(value)
    ?.slice(1)
    .map((part) => Number(part ?? 0));
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second] = parts as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const roundTrip = [
    date.getUTCFullYear(),
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
  ];
  if (year < firstYear || roundTrip.some((part, index) => part !== parts[index])) return undefined;
  return date;
}

/** The closing time of a valid form: null when it never closes. */
export function parseClosesAt(value: string): Date | null {
  return value === '' ? null : (parsePubDate(value) ?? null);
}

export function formatPubDate(date: Date): string {
  return date.toISOString().slice(0, 16);
}

export function blankRows(count: number): ChoiceRow[] {
  return Array.from({ length: count }, () => ({ text: '', votes: 0, remove: false, resetVotes: false }));
}
