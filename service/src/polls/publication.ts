const day = 24 * 60 * 60 * 1000;

/**
 * The one definition of "published", as SQL over a `questions` row named `question`: public by date and with
 * at least one choice. Every query for voters and API clients filters with it; the index's triggers
 * (migration 2026-11-25-1200) fire on every column it reads.
 */
export function publishedSql(question: string): string {
  return `(${question}.pub_date <= now() and exists (select 1 from choices where choices.question_id = ${question}.id))`;
}

/** True when the question went public within the last day, and not in the future (Django's rule, fixed). */
export function wasPublishedRecently(pubDate: Date, now: Date = new Date()): boolean {
  const age = now.getTime() - pubDate.getTime();
  return age >= 0 && age <= day;
}
