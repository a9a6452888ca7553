import type { FaultWindow } from './faults.js';
import { HttpClient, statusLabel, type Exchange } from './http-client.js';
import { isFailure, windowOf } from './windows.js';

export interface ReadPlan {
  readonly baseUrl: string;
  readonly questionIds: readonly number[];
  readonly clock: () => number;
  /** Reading stops once this settles (the votes are all answered). */
  readonly until: Promise<unknown>;
}

// A light, steady stream next to the votes (at most readers × 1000 / pauseMs per second): enough to have
// reads in flight when a replica dies, without taking the CPU the votes are measured with.
const readers = 4;
const pauseMs = 25;

/**
 * Voters reading results while others vote: GET /polls/:id/results/ from a few workers until the votes are
 * done. GETs are idempotent, so nginx may pass one to another replica after any failure: none of them
 * should fail because a replica died.
 */
export async function readAlongside(plan: ReadPlan): Promise<Exchange[]> {
  const client = new HttpClient(plan.baseUrl, readers);
  let done = false;
  const stop = () => (done = true);
  plan.until.then(stop, stop); // however the votes end; their failure is reported where they are awaited
  const records: Exchange[] = [];
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: readers }, async () => {
        while (!done) {
          const questionId = plan.questionIds[next++ % plan.questionIds.length]!;
          records.push(await client.exchange(`/polls/${questionId}/results/`, { method: 'GET' }, plan.clock));
          await new Promise((resolve) => setTimeout(resolve, pauseMs));
        }
      }),
    );
  } finally {
    client.close();
  }
  return records;
}

export interface ReadSummary {
  readonly sent: number;
  readonly ok: number;
  /** Every read not answered 200, by what the client got. */
  readonly failedByStatus: ReadonlyMap<string, number>;
  /** Per fault window (its margin included): reads that got a 5xx or no answer. */
  readonly failuresPerWindow: readonly number[];
  readonly failuresOutsideWindows: number;
}

export function summariseReads(
  reads: readonly Exchange[],
  windows: readonly FaultWindow[],
  marginMs: number,
): ReadSummary {
  const failedByStatus = new Map<string, number>();
  const failuresPerWindow = windows.map(() => 0);
  let failuresOutsideWindows = 0;
  for (const read of reads) {
    if (read.status === 200) continue;
    const label = statusLabel(read);
    failedByStatus.set(label, (failedByStatus.get(label) ?? 0) + 1);
    if (!isFailure(read)) continue;
    const window = windowOf(read, windows, marginMs);
    if (window === -1) failuresOutsideWindows += 1;
    else failuresPerWindow[window]! += 1;
  }
  return {
    sent: reads.length,
    ok: reads.filter((read) => read.status === 200).length,
    failedByStatus,
    failuresPerWindow,
    failuresOutsideWindows,
  };
}
