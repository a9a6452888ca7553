export interface ChoiceRow {
  readonly id?: number;
  readonly text: string;
  readonly votes: number;
  readonly remove: boolean;
  readonly resetVotes: boolean;
}

export interface QuestionForm {
  readonly questionText: string;
  readonly pubDate: string;
  readonly choices: readonly ChoiceRow[];
}

export type FormErrors = Record<string, string>;

const maxTextLength = 200;
export const newQuestionRows = 3;

/** Reads the submitted form as it was typed, so a refused form comes back with the user's input intact. */
export function readQuestionForm(body: Record<string, unknown>): QuestionForm {
  const rows = Array.isArray(body.choices) ? body.choices : Object.values((body.choices as object) ?? {});
  const choices = rows.map((row: Record<string, unknown>) => {
    const id = Number(row.id);
    return {
      ...(Number.isSafeInteger(id) && id > 0 ? { id } : {}),
      text: typeof row.text === 'string' ? row.text.trim() : '',
      votes: Number(row.votes) || 0,
      remove: row.remove === 'on',
      resetVotes: row.reset === 'on',
    };
  });
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  return { questionText: text(body.question_text), pubDate: text(body.pub_date), choices };
}

/** Messages keyed by field name; empty when the form can be saved. */
export function validateQuestionForm(form: QuestionForm): FormErrors {
  const errors: FormErrors = {};
  if (!form.questionText) errors.question_text = 'Enter the question.';
  else if (form.questionText.length > maxTextLength)
    errors.question_text = `Keep the question under ${maxTextLength + 1} characters.`;
  if (parsePubDate(form.pubDate) === undefined)
    errors.pub_date = 'Enter the publication date and time, like 2026-11-25T09:30 (UTC).';
  form.choices.forEach((choice, index) => {
    if (choice.remove) return;
    if (choice.id !== undefined && !choice.text)
      errors[`choice-${index}`] = 'Enter a text for this choice, or tick Remove.';
    else if (choice.text.length > maxTextLength)
      errors[`choice-${index}`] = `Keep the choice under ${maxTextLength + 1} characters.`;
  });
  return errors;
}

/** A `datetime-local` value read as UTC, the time zone every admin page shows. */
export function parsePubDate(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const date = new Date(`${value}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function formatPubDate(date: Date): string {
  return date.toISOString().slice(0, 16);
}

export function blankRows(count: number): ChoiceRow[] {
  return Array.from({ length: count }, () => ({ text: '', votes: 0, remove: false, resetVotes: false }));
}
