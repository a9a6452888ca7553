const day = 24 * 60 * 60 * 1000;

/** True when the question went public within the last day, and not in the future (Django's rule, fixed). */
export function wasPublishedRecently(pubDate: Date, now: Date = new Date()): boolean {
  const age = now.getTime() - pubDate.getTime();
  return age >= 0 && age <= day;
}
