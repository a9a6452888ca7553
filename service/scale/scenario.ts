import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startDatabase, votesInDatabase } from './database.js';
import { injectFaults, type FaultLog } from './faults.js';
import { sendVotes } from './load.js';
import type { BalancerTraffic } from './nginx-logs.js';
import { findNginx, nginxMissing, startBalancer } from './nginx.js';
import { Progress } from './progress.js';
import { readAlongside, summariseReads, type ReadSummary } from './reads.js';
import { reconcile, type Reconciliation } from './reconcile.js';
import { checkRepeatVoters, type RepeatVoterSummary } from './repeat-voters.js';
import { startReplicas, type ReplicaFigures } from './replicas.js';
import { LiveViewers, type StreamSummary } from './streams.js';
import { Teardown } from './teardown.js';
import { perSecond, type SecondOfLoad } from './timeline.js';
import { problemsOf } from './verdict.js';

export interface ScaleOptions {
  readonly votes: number;
  readonly concurrency: number;
  /** Votes per second at most; undefined: as fast as the workers get answers. */
  readonly rate?: number;
  /** The load stops being sent after this long; what was sent is still reconciled, and the run fails. */
  readonly deadlineMs: number;
  /** Progress lines for the operator. */
  readonly note?: (line: string) => void;
}

export const replicaCount = 3;
/** Live-results streams watched through the balancer: eight per replica, both paths of every question. */
export const streamCount = 24;
/** After the votes, how long every stream may take to show the database's final counts (a tick and a read). */
export const streamSettleMs = 5_000;
/**
 * After a window's end, failures still count as the fault's for this long: the harness learns of recovery
 * by polling (≤ 100 ms late), and a request already accepted by nginx during the window may reach a replica
 * a moment after. Kept small: anything later is a failure of the service, not of the fault.
 */
export const windowMarginMs = 1_000;

export interface ScaleResult {
  readonly options: Pick<ScaleOptions, 'votes' | 'concurrency' | 'rate'>;
  /** What ran: the balancer, the replicas, the database, the machine. */
  readonly setting: string;
  readonly reconciliation: Reconciliation;
  /** The browsers that voted twice, through two replicas, and the ballots the database holds for them. */
  readonly repeatVoters: RepeatVoterSummary;
  /** The results pages read while the votes were sent. */
  readonly reads: ReadSummary;
  /** The live-results streams watched meanwhile. */
  readonly streams: StreamSummary;
  readonly faults: FaultLog;
  /** The votes second by second, for the report's chart. */
  readonly timeline: readonly SecondOfLoad[];
  readonly traffic: BalancerTraffic;
  readonly nginxErrors: ReadonlyMap<string, number>;
  readonly replicas: readonly ReplicaFigures[];
  readonly setupMs: number;
  readonly totalMs: number;
  /** Why the run failed, one line each; empty when it passed. */
  readonly problems: readonly string[];
}

/**
 * The scale-out proof: PostgreSQL, three replicas, nginx in front; a bounded load of votes while one replica
 * is SIGKILLed and restarted and then PostgreSQL is restarted; then the database against what clients saw.
 */
export async function runScaleTest(options: ScaleOptions): Promise<ScaleResult> {
  const note = options.note ?? (() => {});
  if (!findNginx()) throw new Error(nginxMissing);
  const began = performance.now();
  const teardown = new Teardown();
  const workDir = mkdtempSync(path.join(tmpdir(), 'polls-scale-'));
  const removeWorkDir = () => rmSync(workDir, { recursive: true, force: true });
  teardown.add({ name: 'the work directory', gently: async () => removeWorkDir(), now: removeWorkDir });
  try {
    note('starting PostgreSQL (a private cluster), migrating, adding the demo polls');
    const database = await startDatabase(teardown);
    note(`starting ${replicaCount} replicas`);
    const replicas = await startReplicas(
      replicaCount,
      { databaseUrl: database.url, sessionKeys: randomBytes(32).toString('base64url') },
      teardown,
    );
    note('starting nginx');
    const balancer = await startBalancer(
      workDir,
      replicas.map((replica) => replica.port),
      teardown,
    );
    const setupMs = performance.now() - began;

    note(
      `sending ${options.votes} votes, ${options.concurrency} at a time, through ${balancer.url}, ` +
        `${streamCount} live-results streams watching`,
    );
    // Stops the load early: at the deadline, or when a fault could not be injected (nothing left to prove).
    const halt = new AbortController();
    const deadlineTimer = setTimeout(
      () => halt.abort(`the deadline of ${options.deadlineMs / 1000} s passed`),
      options.deadlineMs,
    );
    const started = performance.now();
    const clock = () => performance.now() - started;
    const progress = new Progress(options.votes);
    const viewers = new LiveViewers({
      baseUrl: balancer.url,
      targets: database.targets,
      count: streamCount,
      clock,
      closeAfterMs: options.deadlineMs + streamSettleMs,
    });
    teardown.add({
      name: 'the live-results streams',
      gently: async () => viewers.close(),
      now: () => viewers.close(),
    });
    const load = sendVotes({
      baseUrl: balancer.url,
      replicaUrls: replicas.map((replica) => replica.url),
      targets: database.targets,
      votes: options.votes,
      concurrency: options.concurrency,
      rate: options.rate,
      clock,
      signal: halt.signal,
      onAnswered: (answered) => progress.update(answered),
    }).finally(() => progress.end());
    const faults = injectFaults({
      replicas,
      postgres: database.postgres,
      clock,
      reached: (fraction) => progress.reached(fraction),
      note,
    });
    faults.catch((error: Error) => halt.abort(`a fault could not be injected: ${error.message}`));
    const questionIds = [...new Set(database.targets.map((target) => target.questionId))];
    const reading = readAlongside({ baseUrl: balancer.url, questionIds, clock, until: load });
    const [records, faultLog, readRecords] = await Promise.all([load, faults, reading]).finally(() =>
      clearTimeout(deadlineTimer),
    );

    const replicaFigures = await Promise.all(replicas.map((replica) => replica.figures()));
    const counts = await votesInDatabase(database.url);
    const reconciliation = reconcile(records, counts, faultLog.windows, windowMarginMs);
    const repeatVoters = await checkRepeatVoters(records, database.url, faultLog.windows, windowMarginMs);
    const reads = summariseReads(readRecords, faultLog.windows, windowMarginMs);
    note('waiting for every live-results stream to show the final counts');
    const streams = await viewers.settle(counts, streamSettleMs);
    const traffic = balancer.traffic();
    const nginxErrors = balancer.errors();
    const problems = problemsOf({
      votes: options.votes,
      halted: halt.signal,
      reconciliation,
      repeatVoters,
      reads,
      streams,
      faults: faultLog,
      replicas: replicaFigures,
    });
    note('stopping everything');
    problems.push(...(await teardown.gently()));
    return {
      options: { votes: options.votes, concurrency: options.concurrency, rate: options.rate },
      setting:
        `${balancer.version} → ${replicaCount} replicas (Node ${process.version}) → ${database.description}; ` +
        `${cpus().length} CPUs`,
      reconciliation,
      repeatVoters,
      reads,
      streams,
      faults: faultLog,
      timeline: perSecond(records),
      traffic,
      nginxErrors,
      replicas: replicaFigures,
      setupMs,
      totalMs: performance.now() - began,
      problems,
    };
  } finally {
    // Reached with steps left only when the run threw: take down what was started, still gently.
    await teardown.gently();
  }
}
