import { victimIndex, type FaultLog } from './faults.js';
import type { ReadSummary } from './reads.js';
import type { Reconciliation } from './reconcile.js';
import type { RepeatVoterSummary } from './repeat-voters.js';
import type { ReplicaFigures } from './replicas.js';
import type { StreamSummary } from './streams.js';

export interface RunFindings {
  readonly votes: number;
  /** Aborted when the load was stopped early (the deadline, a fault that could not be injected). */
  readonly halted: AbortSignal;
  readonly reconciliation: Reconciliation;
  readonly repeatVoters: RepeatVoterSummary;
  readonly reads: ReadSummary;
  readonly streams: StreamSummary;
  readonly faults: FaultLog;
  readonly replicas: readonly ReplicaFigures[];
}

/** The pass rules of the scale test: every broken one is a line; none means the proof holds. */
export function problemsOf({
  votes,
  halted,
  reconciliation: result,
  repeatVoters,
  reads,
  streams,
  faults,
  replicas,
}: RunFindings): string[] {
  const problems: string[] = [];
  if (halted.aborted)
    problems.push(`stopped after ${result.sent} of ${votes} votes: ${String(halted.reason)}`);
  if (result.lost > 0) problems.push(`${result.lost} acknowledged votes are not in the database`);
  if (result.phantom > 0)
    problems.push(`${result.phantom} votes are in the database that no client may have cast`);
  if (result.failuresOutsideWindows > 0) {
    problems.push(`${result.failuresOutsideWindows} votes got a 5xx or no answer outside the fault windows`);
  }
  if (result.refused > 0) problems.push(`${result.refused} valid votes were refused with a 4xx`);
  if (result.unexpected > 0)
    problems.push(`${result.unexpected} votes got an answer that is neither 201/303 nor an error`);
  if (result.acknowledged === 0) problems.push('no vote was acknowledged');
  problems.push(...repeatVoters.problems);
  for (const name of faults.skipped)
    problems.push(`the load ended before "${name}" could start: send more votes`);
  faults.windows.forEach((window, index) => {
    if (!window.proven) problems.push(`${window.name} did not happen as planned: ${window.facts.join('; ')}`);
    if (result.acknowledgedAfter[index] === 0)
      problems.push(`no vote was acknowledged after ${window.name} ended`);
  });
  if (reads.ok === 0) problems.push('no results page was read');
  if (reads.failuresOutsideWindows > 0) {
    problems.push(`${reads.failuresOutsideWindows} reads got a 5xx or no answer outside the fault windows`);
  }
  faults.windows.forEach((window, index) => {
    const failed = reads.failuresPerWindow[index]!;
    if (window.target === 'replica' && failed > 0) {
      problems.push(
        `${failed} reads failed during ${window.name}: nginx should have passed them to a live replica`,
      );
    }
  });
  problems.push(...streamProblems(streams, faults));
  const restarted = replicas[victimIndex];
  if (restarted && restarted.votesCounted === 0)
    problems.push(`${restarted.name} counted no vote after its restart`);
  return problems;
}

/**
 * A replica's death may end the streams it held, but each must come back through another one, and every
 * viewer must end up shown the database's counts without ever having been shown a count go down.
 */
function streamProblems(streams: StreamSummary, faults: FaultLog): string[] {
  const problems: string[] = [];
  if (streams.backwards.length > 0) {
    const [first] = streams.backwards;
    problems.push(
      `${streams.backwards.length} counts went backwards on a live-results stream ` +
        `(first: question ${first!.questionId}, choice ${first!.choiceId}, ${first!.from} → ${first!.to})`,
    );
  }
  if (streams.mismatches.length > 0) {
    problems.push(
      `${streams.mismatches.length} of ${streams.opened} live-results streams did not show the database's ` +
        `final counts: ${streams.mismatches.join('; ')}`,
    );
  }
  if (faults.windows.some((window) => window.target === 'replica' && window.proven) && streams.ended === 0)
    problems.push('no live-results stream ended when its replica was killed: the kill reached no viewer');
  return problems;
}
