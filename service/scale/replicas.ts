import { freePort } from '../test/support/postgres-server.js';
import { spawnServiceCommand, waitForOk, type Child, type Exit } from './child.js';
import { ServiceLog } from './service-log.js';
import type { Teardown } from './teardown.js';

const readyTimeoutMs = 30_000;
// Longer than the service's own drain (SHUTDOWN_DRAIN_SECONDS, 8 s by default) plus its forced-exit margin.
const stopGraceMs = 12_000;

/** A replica at the end of a run: its own counters and what it logged. */
export interface ReplicaFigures {
  readonly name: string;
  readonly pid: number | undefined;
  /** Votes this process counted since it started (its polls_votes_total{outcome="counted"}). */
  readonly votesCounted: number;
  readonly logCounts: ReadonlyMap<string, number>;
  readonly logNotable: readonly string[];
}

export interface ReplicaSettings {
  readonly databaseUrl: string;
  readonly sessionKeys: string;
}

/** One service process (`src/bin/serve.ts`, as `npm start` runs it) on a fixed port. */
export class Replica {
  private child: Child | undefined;

  constructor(
    readonly name: string,
    readonly port: number,
    /** The internal port of its /metrics (METRICS_PORT). */
    private readonly metricsPort: number,
    private readonly settings: ReplicaSettings,
    readonly log: ServiceLog,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.running ? this.child.pid : undefined;
  }

  /** Starts the process on this replica's port (again, after a kill) and waits until /readyz is 200. */
  async start(): Promise<void> {
    if (this.child?.running) throw new Error(`${this.name} is already running`);
    const env = {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(this.port),
      METRICS_PORT: String(this.metricsPort),
      DATABASE_URL: this.settings.databaseUrl,
      // Shared by every replica: a form's CSRF cookie signed by one must verify on the others.
      SESSION_KEYS: this.settings.sessionKeys,
      // nginx appends to X-Forwarded-For and sets -Proto: one trusted hop, as behind the ALB or the ingress.
      TRUST_PROXY: '1',
      LOG_LEVEL: 'warn', // no access-log line per request: the vote path is what is measured
    };
    this.child = spawnServiceCommand(this.name, 'serve', env, (line) => this.log.add(line));
    await waitForOk(`${this.url}/readyz`, this.child, readyTimeoutMs);
  }

  /** SIGKILL, as the OOM killer or a crashed host would: no drain, in-flight requests are cut. */
  async kill(): Promise<Exit> {
    const child = this.runningChild();
    child.killNow();
    return child.exited;
  }

  async waitUntilReady(): Promise<void> {
    await waitForOk(`${this.url}/readyz`, this.runningChild(), readyTimeoutMs);
  }

  async figures(): Promise<ReplicaFigures> {
    const metrics = await (await fetch(`http://127.0.0.1:${this.metricsPort}/metrics`)).text();
    const counted = /^polls_votes_total\{outcome="counted"\} (\d+)/m.exec(metrics)?.[1];
    return {
      name: this.name,
      pid: this.pid,
      votesCounted: Number(counted ?? 0),
      logCounts: this.log.counts,
      logNotable: this.log.notable,
    };
  }

  /** The graceful way down (SIGTERM: drain, close the pool, exit). */
  async stop(): Promise<void> {
    await this.child?.stop('SIGTERM', stopGraceMs);
  }

  killNow(): void {
    this.child?.killNow();
  }

  private runningChild(): Child {
    if (!this.child?.running) throw new Error(`${this.name} is not running`);
    return this.child;
  }
}

/** Starts `count` replicas on free ports, in parallel, and registers their teardown. */
export async function startReplicas(
  count: number,
  settings: ReplicaSettings,
  teardown: Teardown,
): Promise<Replica[]> {
  const replicas: Replica[] = [];
  for (let index = 1; index <= count; index++) {
    replicas.push(
      new Replica(`replica ${index}`, await freePort(), await freePort(), settings, new ServiceLog()),
    );
  }
  teardown.add({
    name: 'the service replicas',
    gently: async () => {
      await Promise.all(replicas.map((replica) => replica.stop()));
    },
    now: () => replicas.forEach((replica) => replica.killNow()),
  });
  await Promise.all(replicas.map((replica) => replica.start()));
  return replicas;
}
