/** Tenths of a percent as the decimal text of the percent: 333 → "33.3", 1000 → "100.0". */
export function percentText(tenths: number): string {
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}
