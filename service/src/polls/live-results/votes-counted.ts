/**
 * Notified once per committed vote batch by `polls/vote-batcher.ts`, from inside the batch's own statement:
 * PostgreSQL delivers a notification only when its transaction commits, so a batch that fails announces
 * nothing, and the announcement costs no round trip of its own. The payload is the ids of the questions
 * whose counts changed, comma-separated (a batch of 500 votes names at most 500 ids: well inside
 * PostgreSQL's 8,000-byte payload limit).
 */
export const votesCountedChannel = 'polls_votes_counted';

/** The question ids a `votesCountedChannel` payload names; anything malformed is skipped. */
export function questionIdsOf(payload: string): number[] {
  return payload
    .split(',')
    .map(Number)
    .filter((id) => Number.isSafeInteger(id) && id > 0);
}
