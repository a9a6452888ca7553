import assert from 'node:assert/strict';
import { percentText, sharesInTenthsOfAPercent } from '../../src/admin/result-shares.js';

const sum = (shares: number[]) => shares.reduce((total, share) => total + share, 0);

describe('sharesInTenthsOfAPercent', () => {
  it('gives the tenth that rounding each share alone would lose to the largest remainder, the earlier on a tie', () => {
    assert.deepEqual(sharesInTenthsOfAPercent([1n, 1n, 1n]), [334, 333, 333]);
    assert.deepEqual(sharesInTenthsOfAPercent([1n, 2n, 4n]), [143, 286, 571]);
    assert.deepEqual(sharesInTenthsOfAPercent([0n, 1n, 1n, 1n]), [0, 334, 333, 333]);
  });

  it('keeps exact shares exact', () => {
    assert.deepEqual(sharesInTenthsOfAPercent([1n, 3n]), [250, 750]);
    assert.deepEqual(sharesInTenthsOfAPercent([5n]), [1000]);
  });

  it('sums to 1000 and keeps every share within a tenth of its exact value', () => {
    const cases = [
      [7n, 7n, 7n, 7n, 7n, 7n],
      [1n, 0n, 998n, 1n],
      [3n, 3n, 3n, 1n, 1n, 1n, 1n],
      [123_456_789n, 987_654_321n, 1n],
    ];
    for (const counts of cases) {
      const shares = sharesInTenthsOfAPercent(counts);
      assert.equal(sum(shares), 1000, `${counts.join(', ')}`);
      const total = Number(counts.reduce((a, b) => a + b, 0n));
      shares.forEach((share, index) =>
        assert.ok(Math.abs(share - (Number(counts[index]) * 1000) / total) < 1, `${counts.join(', ')}`),
      );
    }
  });

  it('is exact for counts beyond the exact range of a double', () => {
    assert.deepEqual(sharesInTenthsOfAPercent([2n ** 62n, 2n ** 62n, 1n]), [500, 500, 0]);
  });

  it('gives every choice 0 when nobody voted, and nothing for no choices', () => {
    assert.deepEqual(sharesInTenthsOfAPercent([0n, 0n]), [0, 0]);
    assert.deepEqual(sharesInTenthsOfAPercent([]), []);
  });
});

describe('percentText', () => {
  it('writes tenths of a percent with one decimal', () => {
    assert.deepEqual([0, 5, 333, 1000].map(percentText), ['0.0', '0.5', '33.3', '100.0']);
  });
});
