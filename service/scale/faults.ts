import pg from 'pg';
import type { StoppablePostgres } from '../test/support/stoppable-postgres.js';
import type { Replica } from './replicas.js';

/** A fault from its injection until the harness saw every part serve again. Times on the run's clock. */
export interface FaultWindow {
  readonly name: string;
  /** What was broken: one replica (the others serve on), or the database (no replica can). */
  readonly target: 'replica' | 'database';
  readonly startMs: number;
  readonly endMs: number;
  /** Evidence that the fault really happened, one line each. */
  readonly facts: readonly string[];
  /** Whether the evidence holds (the process really died and a new one serves). */
  readonly proven: boolean;
}

export interface FaultPlan {
  readonly replicas: readonly Replica[];
  readonly postgres: StoppablePostgres;
  readonly clock: () => number;
  /** Resolves true once `fraction` of the votes were answered, false when the load ended first. */
  readonly reached: (fraction: number) => Promise<boolean>;
  /** Tells the operator as each fault begins and ends. */
  readonly note: (line: string) => void;
}

/** When each fault starts, as a share of the votes answered: both well inside the run, one after the other. */
export const replicaKillAt = 0.2;
export const postgresRestartAt = 0.5;
/** The replica that is killed: the second of three (replica 2). */
export const victimIndex = 1;
// Long enough that every replica sees refused connections, not only its sessions ended.
const postgresDownMs = 1_000;

export interface FaultLog {
  readonly windows: readonly FaultWindow[];
  /** Faults whose moment the load never reached (it ended first). */
  readonly skipped: readonly string[];
}

/**
 * The fault schedule: SIGKILL one replica and start it again on its port; later, a fast shutdown of
 * PostgreSQL and a start. Each window ends when the harness saw the parts ready again (polled every 100 ms,
 * so late by at most that: the window only grows).
 */
export async function injectFaults(plan: FaultPlan): Promise<FaultLog> {
  const schedule = [
    {
      name: `SIGKILL ${plan.replicas[victimIndex]!.name}`,
      target: 'replica' as const,
      at: replicaKillAt,
      inject: killAndRestartReplica,
    },
    {
      name: 'PostgreSQL restart',
      target: 'database' as const,
      at: postgresRestartAt,
      inject: restartPostgres,
    },
  ];
  const windows: FaultWindow[] = [];
  const skipped: string[] = [];
  for (const fault of schedule) {
    if (await plan.reached(fault.at)) {
      windows.push({ name: fault.name, target: fault.target, ...(await fault.inject(plan)) });
    } else skipped.push(fault.name);
  }
  return { windows, skipped };
}

type Injected = Omit<FaultWindow, 'name' | 'target'>;

async function killAndRestartReplica({ replicas, clock, note }: FaultPlan): Promise<Injected> {
  const victim = replicas[victimIndex]!;
  const pidBefore = victim.pid;
  note(`SIGKILL ${victim.name} (pid ${pidBefore})`);
  const startMs = clock();
  const exit = await victim.kill();
  const diedMs = clock();
  await victim.start();
  const endMs = clock();
  const pidAfter = victim.pid;
  note(`${victim.name} ready again as pid ${pidAfter}`);
  return {
    startMs,
    endMs,
    facts: [
      `${victim.name} (pid ${pidBefore}) ended by ${exit.signal ?? `exit code ${exit.code}`} ` +
        `${(diedMs - startMs).toFixed(0)} ms after the kill`,
      `started again on port ${victim.port} as pid ${pidAfter}, /readyz 200 after ${((endMs - diedMs) / 1000).toFixed(2)} s`,
    ],
    proven: exit.signal === 'SIGKILL' && pidAfter !== undefined && pidAfter !== pidBefore,
  };
}

async function restartPostgres({ replicas, postgres, clock, note }: FaultPlan): Promise<Injected> {
  const before = { pid: postgres.pid, startedAt: await postmasterStartTime(postgres.adminUrl) };
  note(`PostgreSQL: fast shutdown (pid ${before.pid})`);
  const startMs = clock();
  await postgres.stop();
  const stoppedMs = clock();
  await new Promise((resolve) => setTimeout(resolve, postgresDownMs));
  await postgres.start();
  const upMs = clock();
  await Promise.all(replicas.map((replica) => replica.waitUntilReady()));
  const endMs = clock();
  const after = { pid: postgres.pid, startedAt: await postmasterStartTime(postgres.adminUrl) };
  note(`PostgreSQL back as pid ${after.pid}; every replica ready again`);
  return {
    startMs,
    endMs,
    facts: [
      `fast shutdown of pid ${before.pid} took ${(stoppedMs - startMs).toFixed(0)} ms; down ${((upMs - stoppedMs) / 1000).toFixed(2)} s`,
      `pid ${after.pid} accepting connections; pg_postmaster_start_time ${before.startedAt} → ${after.startedAt}`,
      `every replica /readyz 200 ${((endMs - upMs) / 1000).toFixed(2)} s after the start`,
    ],
    proven: after.pid !== before.pid && after.startedAt !== before.startedAt,
  };
}

async function postmasterStartTime(adminUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ started: string }>(
      `select to_char(pg_postmaster_start_time() at time zone 'UTC', 'HH24:MI:SS.MS') as started`,
    );
    return rows[0]!.started;
  } finally {
    await client.end();
  }
}
