import { apportionedShares } from './apportioned-shares.js';
import type { Choice } from './polls-repository.js';

export interface ChoiceShare extends Choice {
  /**
   * The choice's share of all votes in whole percent, apportioned so that the shares add up to 100 (all 0 when
   * nobody voted), by the same rule as the editors' results export.
   */
  readonly percent: number;
}

/** The choices with their shares, and the total: what the results page and the live events show. */
export function voteShares(choices: readonly Choice[]): { choices: ChoiceShare[]; totalVotes: number } {
  const percents = apportionedShares(
    choices.map((choice) => BigInt(choice.votes)),
    100n,
  );
  return {
    totalVotes: choices.reduce((sum, choice) => sum + choice.votes, 0),
    // A literal rather than `{ ...choice }`, for the reason in PollsRepository.choicesWithVotes.
    choices: choices.map(({ id, choiceText, votes }, index) => ({
      id,
      choiceText,
      votes,
      percent: percents[index]!,
    })),
  };
}
