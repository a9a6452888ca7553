import type { Choice } from './polls-repository.js';

export interface ChoiceShare extends Choice {
  /** The choice's share of all votes, in whole percent (0 when nobody voted). */
  readonly percent: number;
}

/** The choices with their shares, and the total: what the results page and the live events show. */
export function voteShares(choices: readonly Choice[]): { choices: ChoiceShare[]; totalVotes: number } {
  const totalVotes = choices.reduce((sum, choice) => sum + choice.votes, 0);
  return {
    totalVotes,
    // A literal rather than `{ ...choice }`, for the reason in PollsRepository.choicesWithVotes.
    choices: choices.map(({ id, choiceText, votes }) => ({
      id,
      choiceText,
      votes,
      percent: totalVotes === 0 ? 0 : Math.round((votes / totalVotes) * 100),
    })),
  };
}
