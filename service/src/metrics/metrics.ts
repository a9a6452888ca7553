import type { Knex } from 'knex';
import type { Context, Middleware } from 'koa';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { VoteOutcome } from '../polls/polls-repository.js';

/** Request durations span cached pages (under 1 ms) to requests waiting out the 5 s pool timeout. */
const durationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The subset of tarn's pool that knex exposes as `client.pool`; PGlite's single connection has none. */
interface ConnectionPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

export interface Metrics {
  /** Times every request; label it with the route template, never the raw path, to keep series bounded. */
  readonly middleware: Middleware;
  countVote(outcome: VoteOutcome): void;
  countVoteBatch(votes: number): void;
  /**
   * Every series of the app, those of other parts (live results) included; served in Prometheus text format
   * by the internal metrics server (metrics-server.ts).
   */
  readonly registry: Registry;
}

/** One registry per app, so several apps in one process (tests) never share or re-register series. */
export function createMetrics(db: Knex): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to sending its response, by route template and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: durationBuckets,
    registers: [registry],
  });
  const votes = new Counter({
    name: 'polls_votes_total',
    help: 'Votes submitted, by outcome (counted, repeat, closed, choice-not-found, question-not-found).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  // With polls_votes_total, the average batch (votes / batches): counters, because CloudWatch's agent keeps
  // counters and drops histograms (stacks/src/observability/service-metrics.ts).
  const batches = new Counter({
    name: 'polls_vote_batches_total',
    help: 'Vote transactions committed; polls_vote_batched_votes_total / this is the average batch size.',
    registers: [registry],
  });
  const batchedVotes = new Counter({
    name: 'polls_vote_batched_votes_total',
    help: 'Votes in committed vote transactions (counted or refused within them).',
    registers: [registry],
  });
  registerPoolGauges(registry, db);

  // One labelled series per method, route and status, looked up by a string key instead of prom-client
  // hashing a label object on every request. The method is one of a known few: clients choose it freely.
  const series = new Map<string, { observe(seconds: number): void }>();
  const observeRequest = (anyMethod: string, route: string, statusCode: number, seconds: number) => {
    const method = knownMethods.has(anyMethod) ? anyMethod : 'other';
    const status = String(statusCode);
    const key = `${method} ${status} ${route}`;
    let observer = series.get(key);
    if (!observer) {
      observer = requestDuration.labels({ method, route, status });
      series.set(key, observer);
    }
    observer.observe(seconds);
  };
  const middleware: Middleware = async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      observeRequest(ctx.method, routeLabel(ctx), ctx.status, (performance.now() - started) / 1000);
    }
  };

  return {
    middleware,
    countVote: (outcome) => votes.inc({ outcome }),
    countVoteBatch: (size) => {
      batches.inc();
      batchedVotes.inc(size);
    },
    registry,
  };
}

/** The route template that answered, e.g. `/polls/:id/`. Unmatched paths (static assets, 404s) share one
 * label value instead of one series per path. */
function routeLabel(ctx: Context): string {
  const matched = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute;
  return matched === undefined ? 'unmatched' : String(matched);
}

function registerPoolGauges(registry: Registry, db: Knex): void {
  const pool = () => (db.client as { pool?: ConnectionPool }).pool;
  const gauges: [string, string, (pool: ConnectionPool) => number][] = [
    ['db_pool_connections_used', 'Database connections lent to queries.', (p) => p.numUsed()],
    ['db_pool_connections_free', 'Open database connections waiting for work.', (p) => p.numFree()],
    ['db_pool_pending_acquires', 'Queries waiting for a database connection.', (p) => p.numPendingAcquires()],
    ['db_pool_pending_creates', 'Database connections being opened.', (p) => p.numPendingCreates()],
  ];
  for (const [name, help, read] of gauges) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const current = pool();
        this.set(current ? read(current) : 0);
      },
    });
  }
}
