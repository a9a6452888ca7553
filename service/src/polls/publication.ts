const day = 24 * 60 * 60 * 1000;

/**
 * Notified at commit by the triggers of migrations 2026-11-25-1200 and 2026-12-01-1200 whenever a question,
 * its publication or its choices' texts may have changed (never for a vote). The name is older than the
 * question cache, which listens on it too.
 */
export const questionsChangedChannel = 'polls_index_changed';

/**
 * The one definition of "published", as SQL over a `questions` row named `question`: public by date and with
 * at least one choice. Every query for voters and API clients filters with it; the triggers behind
 * `questionsChangedChannel` fire on every column it reads.
 */
export function publishedSql(question: string): string {
  return `(${question}.pub_date <= now() and exists (select 1 from choices where choices.question_id = ${question}.id))`;
}

/**
 * A question that takes votes, as SQL over a `questions` row named `question`: no closing time, or one still
 * ahead by the database's clock, the one clock every replica shares.
 */
export function openSql(question: string): string {
  return `(${question}.closes_at is null or ${question}.closes_at > now())`;
}

/** True when the question went public within the last day, and not in the future (Django's rule, fixed). */
export function wasPublishedRecently(pubDate: Date, now: Date = new Date()): boolean {
  const age = now.getTime() - pubDate.getTime();
  return age >= 0 && age <= day;
}
