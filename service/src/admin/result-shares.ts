/**
 * Each count's share of the total in tenths of a percent, summing to exactly 1000 (100.0 %) when anyone voted
 * and all 0 when nobody did. Rounding each share on its own can sum to 99.9 or 100.1 (three equal choices give
 * 33.3 three times); an exported table should add up, so the tenths are apportioned by the largest-remainder
 * (Hamilton) method: every share gets its rounded-down tenths, and the tenths still missing go one each to the
 * largest remainders, the earlier choice first on a tie. Each share thus stays within 0.1 of its exact value.
 * BigInt, because counts are bigint columns and `votes * 1000` must not leave the exact range of a double.
 */
export function sharesInTenthsOfAPercent(counts: readonly bigint[]): number[] {
  const total = counts.reduce((sum, count) => sum + count, 0n);
  if (total === 0n) return counts.map(() => 0);
  const exact = counts.map((count, index) => ({
    index,
    tenths: (count * 1000n) / total,
    remainder: (count * 1000n) % total,
  }));
  let missing = 1000n - exact.reduce((sum, share) => sum + share.tenths, 0n);
  const byRemainder = [...exact].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const share of byRemainder) {
    if (missing === 0n) break;
    share.tenths += 1n;
    missing -= 1n;
  }
  return exact.map((share) => Number(share.tenths));
}

/** Tenths of a percent as the decimal text of the percent: 333 → "33.3", 1000 → "100.0". */
export function percentText(tenths: number): string {
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}
