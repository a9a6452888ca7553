import type { VoteRecord } from './load.js';
import { outcomeOf, percentile } from './reconcile.js';

/** What one second of the load looked like, by when each answer came. */
export interface SecondOfLoad {
  readonly acknowledged: number;
  /** 5xx answers and votes that got no answer at all. */
  readonly failed: number;
  /** The 99th percentile of the answer times of that second's votes, in milliseconds (0 when none). */
  readonly p99Ms: number;
}

/** The load second by second, for the report's chart. */
export function perSecond(records: readonly VoteRecord[]): SecondOfLoad[] {
  const seconds: { acknowledged: number; failed: number; latencies: number[] }[] = [];
  for (const record of records) {
    const second = Math.max(0, Math.floor(record.endedMs / 1000));
    while (seconds.length <= second) seconds.push({ acknowledged: 0, failed: 0, latencies: [] });
    const bucket = seconds[second]!;
    bucket.latencies.push(record.endedMs - record.startedMs);
    if (outcomeOf(record) === 'acknowledged') bucket.acknowledged += 1;
    else if (outcomeOf(record) === 'ambiguous') bucket.failed += 1;
  }
  return seconds.map(({ acknowledged, failed, latencies }) => ({
    acknowledged,
    failed,
    p99Ms: percentile(
      latencies.sort((a, b) => a - b),
      0.99,
    ),
  }));
}
