import type Koa from 'koa';
import pino, { type Logger } from 'pino';
import supertest from 'supertest';

import type { ScryptCost } from '../../src/admin/passwords.js';
import { createApp } from '../../src/app.js';
import { parseConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { Readiness } from '../../src/health/readiness.js';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.js';
import { questionsChangedChannel } from '../../src/polls/publication.js';
import type { DatabaseTarget, TestDatabase } from './databases.js';

export const testSessionKey = 'test-session-key-that-is-long-enough-0123456789';

/**
 * The scrypt cost of the test apps' password hashes (`testApp`): a 128th of the service's, so a login takes
 * milliseconds, not most of a second. Tests of the cost itself use the service's.
 */
export const testPasswordCost: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };

export interface TestAppSettings extends Partial<
  Pick<
    Config,
    | 'voteBatchWindowMs'
    | 'trustProxyHops'
    | 'indexEdgeMaxAgeSeconds'
    | 'maxStreams'
    | 'revision'
    | 'maxStreamsPerAddress'
    | 'httpMaxIdleConnectionsPerAddress'
    | 'sessionKeys'
  >
> {
  readonly logger?: Logger;
}

/** The real application over a test database, with logs silenced and the service's default settings. */
export function testApp(
  database: Pick<Database, 'knex' | 'listen'>,
  { logger = pino({ level: 'silent' }), ...settings }: TestAppSettings = {},
): { app: Koa; readiness: Readiness; metrics: Metrics } {
  const readiness = new Readiness(database.knex);
  const metrics = createMetrics(database.knex);
  const defaults = parseConfig({});
  const app = createApp({
    config: {
      sessionKeys: [testSessionKey],
      trustProxyHops: defaults.trustProxyHops,
      voteBatchWindowMs: defaults.voteBatchWindowMs,
      indexEdgeMaxAgeSeconds: defaults.indexEdgeMaxAgeSeconds,
      maxStreams: defaults.maxStreams,
      revision: defaults.revision,
      maxStreamsPerAddress: defaults.maxStreamsPerAddress,
      httpMaxIdleConnectionsPerAddress: defaults.httpMaxIdleConnectionsPerAddress,
      ...settings,
    },
    database,
    readiness,
    metrics,
    logger,
    passwordCost: testPasswordCost,
  });
  return { app, readiness, metrics };
}

/** A cookie-keeping client, like one browser. */
export function browser(app: Koa): supertest.Agent {
  return supertest.agent(app.callback());
}

/** The CSRF token of the first form on an HTML page. */
export function formToken(html: string): string {
  const token = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('the page has no CSRF token');
  return token;
}

/**
 * Registers the usual suite hooks: open the target's database once, build the app, empty every table before
 * each test. Read `db`, `app` and `metrics` inside tests (they are set by the hooks).
 */
export function appOnDatabase(
  target: DatabaseTarget,
  settings: TestAppSettings = {},
): { readonly db: TestDatabase; readonly app: Koa; readonly metrics: Metrics } {
  const suite = {} as { db: TestDatabase; app: Koa; metrics: Metrics };
  before(async function () {
    this.timeout(60_000);
    suite.db = await target.open();
    ({ app: suite.app, metrics: suite.metrics } = testApp(suite.db, settings));
    // Tests write straight to the database, then read the index at once. Outside tests such a writer is
    // another replica, seen once its notification arrives; here every request first waits until the
    // notifications of all writes committed before it were handled, so no test races its own fixtures.
    const indexChanges = suite.db.listen(questionsChangedChannel);
    suite.app.middleware.unshift(async (_ctx, next) => {
      await indexChanges.sync();
      await next();
    });
  });
  beforeEach(() => suite.db.reset());
  return suite;
}
