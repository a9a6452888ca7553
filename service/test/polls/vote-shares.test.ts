import assert from 'node:assert/strict';
import { voteShares } from '../../src/polls/vote-shares.js';

const choices = (...votes: number[]) =>
  votes.map((count, index) => ({ id: index + 1, choiceText: `C${index}`, votes: count }));

describe('voteShares', () => {
  it('gives whole percents that add up to 100, so three equal choices are 34, 33 and 33', () => {
    const { totalVotes, choices: shares } = voteShares(choices(1, 1, 1));
    assert.equal(totalVotes, 3);
    assert.deepEqual(
      shares.map((share) => share.percent),
      [34, 33, 33],
    );
  });

  it('keeps each choice as it was, with its percent', () => {
    assert.deepEqual(voteShares(choices(1, 3)), {
      totalVotes: 4,
      choices: [
        { id: 1, choiceText: 'C0', votes: 1, percent: 25 },
        { id: 2, choiceText: 'C1', votes: 3, percent: 75 },
      ],
    });
  });

  it('gives 0 to every choice when nobody voted', () => {
    assert.deepEqual(
      voteShares(choices(0, 0)).choices.map((share) => share.percent),
      [0, 0],
    );
  });
});
