/**
 * Each count's share of `whole` (100 for whole percents, 1000 for tenths of a percent), summing to exactly
 * `whole` when anyone voted and all 0 when nobody did. Rounding each share on its own can miss the whole by a
 * unit either way (three equal choices give 33 % three times), so the units are apportioned by the
 * largest-remainder (Hamilton) method: every share gets its rounded-down units, and the units still missing go
 * one each to the largest remainders, the earlier choice first on a tie. Each share thus stays within one unit
 * of its exact value. BigInt, because the export's counts are bigint columns and `votes * whole` must not leave
 * the exact range of a double. The results page and the live events call this on every read: plain arrays, no
 * per-choice objects.
 */
export function apportionedShares(counts: readonly bigint[], whole: bigint): number[] {
  let total = 0n;
  for (const count of counts) total += count;
  if (total === 0n) return counts.map(() => 0);
  const shares: number[] = [];
  const remainders: bigint[] = [];
  let missing = whole;
  for (const count of counts) {
    const share = (count * whole) / total;
    shares.push(Number(share));
    remainders.push((count * whole) % total);
    missing -= share;
  }
  // Each remainder is under one unit, so fewer units are missing than there are choices: one each to the first.
  if (missing > 0n) {
    const byRemainder = counts.map((_, index) => index);
    byRemainder.sort((a, b) =>
      remainders[a] === remainders[b] ? a - b : remainders[a]! > remainders[b]! ? -1 : 1,
    );
    for (let place = 0; place < Number(missing); place += 1) shares[byRemainder[place]!]! += 1;
  }
  return shares;
}
