import { longDate } from '../web/views.js';

/** What the form and the API answer to a vote its question's voting rule does not allow (409). */
export const alreadyVotedMessage = 'You have already voted in this poll.';

/** What the form, its page and the API say of a question past its closing time. */
export function closedMessage(closesAt: Date | null | undefined): string {
  return closesAt ? `This poll closed on ${longDate(closesAt)}.` : 'This poll is closed.';
}
