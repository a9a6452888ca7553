import assert from 'node:assert/strict';
import { apportionedShares } from '../../src/polls/apportioned-shares.js';

const sum = (shares: number[]) => shares.reduce((total, share) => total + share, 0);

describe('apportionedShares', () => {
  it('gives the unit that rounding each share alone would lose to the largest remainder, the earlier on a tie', () => {
    assert.deepEqual(apportionedShares([1n, 1n, 1n], 1000n), [334, 333, 333]);
    assert.deepEqual(apportionedShares([1n, 2n, 4n], 1000n), [143, 286, 571]);
    assert.deepEqual(apportionedShares([0n, 1n, 1n, 1n], 1000n), [0, 334, 333, 333]);
    assert.deepEqual(apportionedShares([1n, 1n, 1n], 100n), [34, 33, 33]);
    assert.deepEqual(apportionedShares([1n, 1n, 1n, 1n, 1n, 1n], 100n), [17, 17, 17, 17, 16, 16]);
  });

  it('sums to 100 where rounding each share alone would give too much', () => {
    // 12.5 rounds to 13 on its own and 37.5 to 38, which sum to 102.
    assert.deepEqual(apportionedShares([1n, 3n, 1n, 3n], 100n), [13, 38, 12, 37]);
  });

  it('keeps exact shares exact', () => {
    assert.deepEqual(apportionedShares([1n, 3n], 1000n), [250, 750]);
    assert.deepEqual(apportionedShares([1n, 3n], 100n), [25, 75]);
    assert.deepEqual(apportionedShares([5n], 100n), [100]);
  });

  it('sums to the whole and keeps every share within a unit of its exact value', () => {
    const cases = [
      [7n, 7n, 7n, 7n, 7n, 7n],
      [1n, 0n, 998n, 1n],
      [3n, 3n, 3n, 1n, 1n, 1n, 1n],
      [123_456_789n, 987_654_321n, 1n],
    ];
    for (const whole of [100n, 1000n]) {
      for (const counts of cases) {
        const shares = apportionedShares(counts, whole);
        assert.equal(sum(shares), Number(whole), `${counts.join(', ')} of ${whole}`);
        const total = Number(counts.reduce((a, b) => a + b, 0n));
        shares.forEach((share, index) =>
          assert.ok(
            Math.abs(share - (Number(counts[index]) * Number(whole)) / total) < 1,
            `${counts.join(', ')} of ${whole}`,
          ),
        );
      }
    }
  });

  it('is exact for counts beyond the exact range of a double', () => {
    assert.deepEqual(apportionedShares([2n ** 62n, 2n ** 62n, 1n], 1000n), [500, 500, 0]);
  });

  it('gives every choice 0 when nobody voted, and nothing for no choices', () => {
    assert.deepEqual(apportionedShares([0n, 0n], 100n), [0, 0]);
    assert.deepEqual(apportionedShares([], 1000n), []);
  });
});
