/**
 * How many votes a question takes from one voter (column `questions.voting_rule`):
 * - `any-number`: every vote counts (the Django tutorial's behaviour);
 * - `one-per-browser`: one per voter cookie (the default of a new question);
 * - `one-per-browser-and-address`: one per voter cookie and one per network address, so clearing cookies
 *   does not give a second vote from the same address.
 */
export const votingRules = ['any-number', 'one-per-browser', 'one-per-browser-and-address'] as const;
export type VotingRule = (typeof votingRules)[number];

/** What the admin shows for each rule. */
export const votingRuleLabels: Record<VotingRule, string> = {
  'any-number': 'Any number of votes',
  'one-per-browser': 'One vote per browser',
  'one-per-browser-and-address': 'One vote per browser and network address',
};

export function isVotingRule(value: unknown): value is VotingRule {
  return typeof value === 'string' && (votingRules as readonly string[]).includes(value);
}
