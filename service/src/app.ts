import Koa from 'koa';
import type { Logger } from 'pino';
import type { ScryptCost } from './admin/passwords.js';
import { adminRoutes } from './admin/routes.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { Readiness } from './health/readiness.js';
import { healthRoutes } from './health/routes.js';
import type { Metrics } from './metrics/metrics.js';
import { pollsApi } from './polls/api.js';
import { BallotCache } from './polls/ballot-cache.js';
import { LatestQuestionsCache } from './polls/latest-questions-cache.js';
import { LiveCounts } from './polls/live-results/live-counts.js';
import { liveResultsRoutes } from './polls/live-results/routes.js';
import { streamMetrics } from './polls/live-results/stream-metrics.js';
import { votesCountedChannel } from './polls/live-results/votes-counted.js';
import { questionsChangedChannel } from './polls/publication.js';
import { indexPage } from './polls/index-page.js';
import { pollsPages } from './polls/pages.js';
import { PollsRepository } from './polls/polls-repository.js';
import { PublishedQuestions } from './polls/published-question.js';
import { Voters } from './polls/voters.js';
import { votingRuleLabels } from './polls/voting-rules.js';
import { cacheControl } from './web/cache-control.js';
import { compressResponses } from './web/compression.js';
import { CookieKeys } from './web/cookie-keys.js';
import { refuseControlCharacters } from './web/control-characters.js';
import { csrfFormField } from './web/csrf.js';
import { handleErrors } from './web/errors.js';
import { limitIdleConnections } from './web/idle-connections.js';
import { parseRequestBodies } from './web/request-bodies.js';
import { requestLog } from './web/request-log.js';
import { revisionHeader } from './web/revision-header.js';
import { securityHeaders } from './web/security-headers.js';
import { loadStaticAssets } from './web/static-assets.js';
import { topRouter } from './web/top-router.js';
import { createRenderer } from './web/views.js';

/**
 * What a client does to its own request, by the code Node reports: hang up (HPE_INVALID_EOF_STATE: Node's HTTP
 * parser met the end of the connection in the middle of a request) or send it too slowly (Node answered 408,
 * server.ts). Logged at info: error lines feed the saved errors query and are for the service's own failures.
 */
const clientFaults = new Map([
  ['ECONNRESET', 'client went away'],
  ['EPIPE', 'client went away'],
  ['ECONNABORTED', 'client went away'],
  ['HPE_INVALID_EOF_STATE', 'client went away'],
  ['ERR_HTTP_REQUEST_TIMEOUT', 'client too slow'],
]);

export interface AppDependencies {
  readonly config: Pick<
    Config,
    | 'sessionKeys'
    | 'trustProxyHops'
    | 'voteBatchWindowMs'
    | 'indexEdgeMaxAgeSeconds'
    | 'maxStreams'
    | 'revision'
    | 'maxStreamsPerAddress'
    | 'httpMaxIdleConnectionsPerAddress'
  >;
  readonly database: Pick<Database, 'knex' | 'listen'>;
  readonly readiness: Readiness;
  /** Served by the internal metrics port (metrics/metrics-server.ts), never by this app. */
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** The scrypt cost of the admin's password hashes: OWASP's minimum unless a test lowers it. */
  readonly passwordCost?: ScryptCost;
}

/** Builds the web application; it opens no socket, so tests drive it directly. */
export function createApp({
  config,
  database,
  readiness,
  metrics,
  logger,
  passwordCost,
}: AppDependencies): Koa {
  const db = database.knex;
  // The client is the X-Forwarded-For entry that many hops from the right: entries left of it are whatever
  // the client wrote.
  const app = new Koa({ proxy: config.trustProxyHops > 0, maxIpsCount: config.trustProxyHops });
  app.keys = new CookieKeys(config.sessionKeys);
  const assets = loadStaticAssets();
  const render = createRenderer({ asset: assets.url, csrfField: csrfFormField, votingRuleLabels });
  const polls = new PollsRepository(db, {
    onVote: metrics.countVote,
    onVoteBatch: metrics.countVoteBatch,
    voteBatchWindowMs: config.voteBatchWindowMs,
  });
  const questionChanges = database.listen(questionsChangedChannel);
  const latest = new LatestQuestionsCache(polls, questionChanges);
  const published = new PublishedQuestions(polls, new BallotCache(polls, questionChanges));
  const live = new LiveCounts(
    async (id) => {
      const question = await published.withVotes(id);
      return {
        choices: question?.choices ?? [],
        closesAt: question?.closesAt ?? null,
        closed: !!question?.closed,
      };
    },
    database.listen(votesCountedChannel),
    streamMetrics(metrics.registry),
    {
      maxStreams: config.maxStreams,
      maxStreamsPerAddress: config.maxStreamsPerAddress,
      onEnded: (ended) => logger.info(ended, 'stream ended'),
    },
  );
  questionChanges.subscribe(() => live.questionsChanged());
  // Streams first: they would hold the drain open, and their clients should move to a replica that stays.
  readiness.onDrain(() => live.closeAll());

  const voters = new Voters(config.sessionKeys);
  const index = indexPage(latest, render, config.indexEdgeMaxAgeSeconds);
  const routers = [
    healthRoutes(readiness, logger),
    pollsPages(polls, published, voters, index, render, config.indexEdgeMaxAgeSeconds),
    pollsApi(polls, published, voters),
    liveResultsRoutes(published, live),
    // An editor's save must show on the index at once, not when its notification comes back.
    adminRoutes(
      db,
      render,
      () => {
        latest.invalidate();
        published.invalidate();
      },
      passwordCost,
    ),
  ];

  // Koa reports here a response that failed after its headers went out, or a connection that failed under
  // a request: mostly a client that closed a live stream, hung up halfway through its body or sent it too
  // slowly. Its default prints a stack to stderr, outside the JSON log.
  app.on('error', (error: NodeJS.ErrnoException, ctx?: Koa.Context) => {
    const line = { requestId: ctx?.state.requestId as unknown, code: error.code };
    const clientFault = clientFaults.get(error.code ?? '');
    if (clientFault) logger.info(line, clientFault);
    else logger.error({ ...line, err: error }, 'response failed');
  });
  app.use(requestLog(logger));
  app.use(revisionHeader(config.revision));
  app.use(limitIdleConnections(config.httpMaxIdleConnectionsPerAddress));
  app.use(metrics.middleware);
  app.use(cacheControl());
  app.use(handleErrors(render, logger));
  app.use(async (ctx, next) => {
    try {
      await next();
    } finally {
      // While draining, ask keep-alive clients to reconnect, so they reach a replica that is staying. Checked
      // after the response is made, so a request already in flight when draining began frees its connection too.
      if (readiness.isDraining) ctx.set('Connection', 'close');
    }
  });
  app.use(securityHeaders());
  app.use(compressResponses());
  app.use(assets.middleware);
  app.use(parseRequestBodies());
  app.use(refuseControlCharacters());
  // One router holding every route (nesting copies the routes into it): one match per request, not one per
  // area, and one 405 answer that knows the methods of every area.
  const router = topRouter();
  for (const area of routers) router.use(area.routes());
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
