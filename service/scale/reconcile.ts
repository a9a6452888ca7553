import type { FaultWindow } from './faults.js';
import type { VoteRecord } from './load.js';
import { statusLabel } from './http-client.js';
import { isFailure, windowOf } from './windows.js';

/**
 * - acknowledged: the answer a vote gets once it is committed (API 201, form 303): it must be in the database.
 * - ambiguous: no answer, or a 5xx: the vote may or may not have counted (a replica killed after its commit).
 * - repeated: a repeat voter's second vote answered 409: the service counted nothing (repeat-voters.ts checks
 *   that its first one did count).
 * - refused: any other 4xx: the service counted nothing. The harness sends only valid votes, so each is a bug.
 * - unexpected: any other answer; counted as possibly in the database.
 */
export type Outcome = 'acknowledged' | 'ambiguous' | 'repeated' | 'refused' | 'unexpected';

export function outcomeOf(record: VoteRecord): Outcome {
  if (record.status === (record.kind === 'api' ? 201 : 303)) return 'acknowledged';
  if (record.role === 'repeat' && record.status === 409) return 'repeated';
  if (record.status === 0 || record.status >= 500) return 'ambiguous';
  if (record.status >= 400) return 'refused';
  return 'unexpected';
}

export interface ChoiceTally {
  readonly choiceId: number;
  readonly sent: number;
  readonly acknowledged: number;
  /** Votes that may have counted without being acknowledged (ambiguous or unexpected). */
  readonly maybe: number;
  readonly inDatabase: number;
  /** Acknowledged votes missing from the database. */
  readonly lost: number;
  /** Votes in the database beyond every vote that could have counted. */
  readonly phantom: number;
}

export interface Reconciliation {
  readonly sent: number;
  readonly acknowledged: number;
  readonly acknowledgedByKind: Readonly<Record<VoteRecord['kind'], number>>;
  /** Every vote not acknowledged, by what the client got: "503", "no answer (ECONNRESET)", … */
  readonly failedByStatus: ReadonlyMap<string, number>;
  readonly ambiguous: number;
  readonly repeated: number;
  readonly refused: number;
  readonly unexpected: number;
  readonly inDatabase: number;
  readonly lost: number;
  readonly phantom: number;
  /** 5xx or no answer while no fault was going on (the margin after each window excluded). */
  readonly failuresOutsideWindows: number;
  readonly failuresInsideWindows: number;
  /** Of those inside, how many fell only in the margin after a window's end. */
  readonly failuresInMargins: number;
  /** Per fault window: acknowledged votes sent after it ended (the service recovered). */
  readonly acknowledgedAfter: readonly number[];
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly durationMs: number;
  readonly choices: readonly ChoiceTally[];
}

/**
 * Compares what the clients were told with the database's counts (`votesInDatabase`: choice id → votes,
 * every choice starting from 0). Per choice: acknowledged ≤ in database ≤ acknowledged + maybe ≤ sent.
 */
export function reconcile(
  records: readonly VoteRecord[],
  votesInDatabase: ReadonlyMap<number, number>,
  windows: readonly FaultWindow[],
  marginMs: number,
): Reconciliation {
  const byChoice = new Map<number, { sent: number; acknowledged: number; maybe: number }>();
  for (const choiceId of votesInDatabase.keys())
    byChoice.set(choiceId, { sent: 0, acknowledged: 0, maybe: 0 });
  const count = { acknowledged: 0, ambiguous: 0, repeated: 0, refused: 0, unexpected: 0 };
  const acknowledgedByKind = { api: 0, form: 0 };
  const failedByStatus = new Map<string, number>();
  const failures = { outside: 0, inside: 0, inMargins: 0 };
  const acknowledgedAfter = windows.map(() => 0);

  for (const record of records) {
    const tally = byChoice.get(record.choiceId);
    if (!tally) throw new Error(`a vote went to choice ${record.choiceId}, which the database does not have`);
    const outcome = outcomeOf(record);
    count[outcome] += 1;
    tally.sent += 1;
    if (outcome === 'acknowledged') {
      tally.acknowledged += 1;
      acknowledgedByKind[record.kind] += 1;
      windows.forEach((window, index) => {
        if (record.startedMs > window.endMs) acknowledgedAfter[index]! += 1;
      });
      continue;
    }
    if (outcome === 'repeated') continue;
    if (outcome !== 'refused') tally.maybe += 1;
    const label = statusLabel(record);
    failedByStatus.set(label, (failedByStatus.get(label) ?? 0) + 1);
    if (!isFailure(record)) continue;
    if (windowOf(record, windows, marginMs) === -1) failures.outside += 1;
    else {
      failures.inside += 1;
      if (windowOf(record, windows, 0) === -1) failures.inMargins += 1;
    }
  }

  const choices = [...byChoice]
    .sort(([a], [b]) => a - b)
    .map(([choiceId, tally]): ChoiceTally => {
      const inDatabase = votesInDatabase.get(choiceId)!;
      return {
        choiceId,
        ...tally,
        inDatabase,
        lost: Math.max(0, tally.acknowledged - inDatabase),
        phantom: Math.max(0, inDatabase - tally.acknowledged - tally.maybe),
      };
    });
  const sum = (pick: (tally: ChoiceTally) => number) =>
    choices.reduce((total, tally) => total + pick(tally), 0);
  const latencies = records.map((record) => record.endedMs - record.startedMs).sort((a, b) => a - b);
  return {
    sent: records.length,
    ...count,
    acknowledgedByKind,
    failedByStatus,
    inDatabase: sum((tally) => tally.inDatabase),
    lost: sum((tally) => tally.lost),
    phantom: sum((tally) => tally.phantom),
    failuresOutsideWindows: failures.outside,
    failuresInsideWindows: failures.inside,
    failuresInMargins: failures.inMargins,
    acknowledgedAfter,
    latencyMs: {
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      max: latencies.at(-1) ?? 0,
    },
    durationMs: records.length === 0 ? 0 : spanMs(records),
    choices,
  };
}

/** From the first vote sent to the last one answered. */
function spanMs(records: readonly VoteRecord[]): number {
  let first = Infinity;
  let last = -Infinity;
  for (const record of records) {
    first = Math.min(first, record.startedMs);
    last = Math.max(last, record.endedMs);
  }
  return last - first;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}
